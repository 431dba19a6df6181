/**
 * Drawing tools: control (no tool: the pointer controls the customer's computer), pen,
 * highlighter, arrow, rectangle, text, laser pointer; colours; undo and "erase all drawings".
 * A screen shared from the customer's browser has no helper to draw with: the tools are off and
 * say why.
 */
import { DRAW_COLORS, type DrawTool } from '../annotation-builder';
import type { ViewerController, ViewerPrefs } from '../viewer-controller';
import type { ViewerSnapshot } from '../viewer-session';
import type { Translate } from '../viewer-text';

const TOOLS: readonly (DrawTool | null)[] = [
  null,
  'pen',
  'highlighter',
  'arrow',
  'rectangle',
  'text',
  'laser',
];

export function DrawTools(props: {
  t: Translate;
  state: ViewerSnapshot;
  prefs: ViewerPrefs;
  controller: ViewerController;
}) {
  const { t, prefs, controller, state } = props;
  const canDraw = !state.helperBrowser && (state.phase === 'streaming' || state.phase === 'waiting_picture');
  const why = state.helperBrowser ? t('drawingNeedsHelper') : undefined;
  return (
    <div class="draw-tools" role="toolbar" aria-label={t('tool_pen')} title={why}>
      {TOOLS.map((tool) => {
        const name = tool ?? 'control';
        return (
          <button
            type="button"
            key={name}
            class={`tool tool-${name}`}
            aria-pressed={prefs.tool === tool}
            disabled={tool !== null && !canDraw}
            title={tool !== null ? why : undefined}
            onClick={() => {
              controller.setPrefs({ tool });
              controller.focus();
            }}
          >
            {t(`tool_${name}`)}
          </button>
        );
      })}
      <span class="colors">
        {DRAW_COLORS.map((c) => (
          <button
            type="button"
            key={c}
            class="color"
            style={{ background: c }}
            aria-label={t('colorLabel', c)}
            aria-pressed={prefs.color === c}
            onClick={() => {
              controller.setPrefs({ color: c });
              controller.focus();
            }}
          />
        ))}
      </span>
      <button type="button" class="undo-drawing" disabled={!canDraw} onClick={() => controller.undoDrawing()}>
        {t('undoDrawing')}
      </button>
      <button type="button" class="erase-all" disabled={!canDraw} onClick={() => controller.eraseDrawings()}>
        {t('eraseAll')}
      </button>
      {why && (
        <span class="tools-off" data-reason="browser">
          {why}
        </span>
      )}
    </div>
  );
}
