/**
 * One file in the chat transcript (protocol/chat-file.ts): its name and size, a status line the
 * host words in its own catalog, a progress bar while bytes move, and the host's buttons
 * (accept, decline, download, stop). The name is text, never markup or a path.
 */
import type { ComponentChildren } from 'preact';
import type { ChatFileRef } from '../../protocol/chat-file';
import { formatBytes } from '../viewer/files/format';

export interface FileCardProps {
  fileId: string;
  name: string;
  /** The size, already formatted in the reader's language ("1.2 MB"). */
  size: string;
  status: string;
  tone: 'info' | 'ok' | 'error';
  /** Bytes moved of the total, while a transfer is under way. */
  progress: { done: number; total: number } | null;
  children?: ComponentChildren;
}

export function FileCard(props: FileCardProps) {
  return (
    <span class={`ll-chat-file ll-chat-file-${props.tone}`} data-file={props.fileId}>
      <span class="ll-chat-file-name">{props.name}</span>
      <span class="ll-chat-file-size">{props.size}</span>
      <span class="ll-chat-file-status" role={props.tone === 'error' ? 'alert' : 'status'}>
        {props.status}
      </span>
      {props.progress && (
        <progress class="ll-chat-file-progress" value={props.progress.done} max={props.progress.total} />
      )}
      {props.children && <span class="ll-chat-file-actions">{props.children}</span>}
    </span>
  );
}

/**
 * A file known only by its transcript line: its state has not come yet, or is gone (a file from an
 * earlier visit of the page, whose bytes ended with the session or a restart).
 */
export function FileRefCard(props: { file: ChatFileRef }) {
  return (
    <FileCard
      fileId={props.file.id}
      name={props.file.name}
      size={formatBytes(props.file.size)}
      status=""
      tone="info"
      progress={null}
    />
  );
}
