/**
 * Draws annotation shapes (protocol/data/annotations.ts) on a 2D canvas context whose pixels are
 * the picture's pixels; desktop coordinates are moved by the picture's origin (a monitor may not
 * start at 0,0). The same look the helper's overlay aims for: round caps, a translucent
 * highlighter, a filled arrow head, a laser dot with a halo.
 */
import type { Shape } from '../../protocol/data/annotations';
import type { Point } from './coordinate-map';

/** Opacity of the highlighter. */
const HIGHLIGHTER_ALPHA = 0.35;
/** Arrow head length as a multiple of the line width, with a floor in pixels. */
const ARROW_HEAD_FACTOR = 4;
const ARROW_HEAD_MIN_PX = 14;
/** Laser dot radius and halo radius, in pixels. */
export const LASER_RADIUS_PX = 7;
const LASER_HALO_PX = 16;

type Ctx = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'closePath'
  | 'stroke'
  | 'fill'
  | 'strokeRect'
  | 'fillText'
  | 'arc'
  | 'lineWidth'
  | 'strokeStyle'
  | 'fillStyle'
  | 'lineCap'
  | 'lineJoin'
  | 'globalAlpha'
  | 'font'
  | 'textBaseline'
>;

export function drawShape(ctx: Ctx, shape: Shape, origin: Point): void {
  const px = (p: readonly [number, number]) => [p[0] - origin.x, p[1] - origin.y] as const;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  switch (shape.kind) {
    case 'pen':
    case 'highlighter': {
      ctx.strokeStyle = shape.color;
      ctx.lineWidth = shape.width;
      if (shape.kind === 'highlighter') ctx.globalAlpha = HIGHLIGHTER_ALPHA;
      ctx.beginPath();
      const [x0, y0] = px(shape.points[0]!);
      ctx.moveTo(x0, y0);
      if (shape.points.length === 1) ctx.lineTo(x0 + 0.01, y0);
      for (const p of shape.points.slice(1)) {
        const [x, y] = px(p);
        ctx.lineTo(x, y);
      }
      ctx.stroke();
      break;
    }
    case 'arrow': {
      const [x0, y0] = px(shape.from);
      const [x1, y1] = px(shape.to);
      ctx.strokeStyle = shape.color;
      ctx.fillStyle = shape.color;
      ctx.lineWidth = shape.width;
      const angle = Math.atan2(y1 - y0, x1 - x0);
      const head = Math.max(ARROW_HEAD_MIN_PX, shape.width * ARROW_HEAD_FACTOR);
      const bx = x1 - head * 0.8 * Math.cos(angle);
      const by = y1 - head * 0.8 * Math.sin(angle);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(bx, by);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - head * Math.cos(angle - Math.PI / 7), y1 - head * Math.sin(angle - Math.PI / 7));
      ctx.lineTo(x1 - head * Math.cos(angle + Math.PI / 7), y1 - head * Math.sin(angle + Math.PI / 7));
      ctx.closePath();
      ctx.fill();
      break;
    }
    case 'rectangle': {
      const [x0, y0] = px(shape.from);
      const [x1, y1] = px(shape.to);
      ctx.strokeStyle = shape.color;
      ctx.lineWidth = shape.width;
      ctx.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
      break;
    }
    case 'text': {
      const [x, y] = px(shape.at);
      ctx.fillStyle = shape.color;
      ctx.font = `600 ${shape.size}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      ctx.fillText(shape.text, x, y);
      break;
    }
  }
  ctx.restore();
}

export function drawLaser(ctx: Ctx, at: Point, origin: Point): void {
  const x = at.x - origin.x;
  const y = at.y - origin.y;
  ctx.save();
  ctx.fillStyle = '#ff1744';
  ctx.globalAlpha = 0.25;
  ctx.beginPath();
  ctx.arc(x, y, LASER_HALO_PX, 0, Math.PI * 2);
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.beginPath();
  ctx.arc(x, y, LASER_RADIUS_PX, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
}
