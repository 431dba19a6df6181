/**
 * Puts a canned reply into the chat view's message field as if typed: the shared composer
 * (ui/chat/composer.tsx) owns its text, so we set the field and fire the input event it listens
 * to, which also starts the typing indicator for the customer.
 */
export function insertIntoComposer(root: HTMLElement, text: string): boolean {
  const field = root.querySelector<HTMLTextAreaElement>('textarea.ll-chat-input');
  if (!field || field.disabled) return false;
  const before = field.value;
  field.value = before.trim().length > 0 ? `${before.replace(/\s+$/, '')} ${text}` : text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
  return true;
}
