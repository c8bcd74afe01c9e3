// .tsx although it holds no component: it uses WebGL and canvas DOM types, which tsconfig.node.json (that checks
// renderer .ts modules without the DOM for node tests) does not have; tsconfig.web.json checks it.
// Draws the map's points: WebGL points (one draw call, positions and colours in GPU buffers, so a pan or zoom
// only changes two uniforms — 75,000 points stay at 60 fps) with a 2-D canvas fallback where WebGL is missing
// (the points are then drawn as one path per colour). Coordinates are the map's, fitted into [-1, 1] once.

export interface View {
  /** Zoom (1 = the whole map fits) and pan, in fitted units. */
  k: number;
  tx: number;
  ty: number;
}

export interface PointsRenderer {
  readonly kind: 'webgl' | 'canvas';
  setPoints(xy: Float32Array): void;
  setColors(rgba: Float32Array): void;
  draw(view: View, width: number, height: number, dpr: number): void;
  dispose(): void;
}

const VS = `
attribute vec2 a_pos;
attribute vec4 a_col;
uniform vec2 u_scale;
uniform vec2 u_offset;
uniform float u_size;
varying vec4 v_col;
void main() {
  gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0);
  gl_PointSize = u_size;
  v_col = a_col;
}`;
const FS = `
precision mediump float;
varying vec4 v_col;
void main() {
  vec2 d = gl_PointCoord - vec2(0.5);
  if (dot(d, d) > 0.25) discard;
  gl_FragColor = v_col;
}`;

/** Clip-space scale and offset of the view: the fitted square keeps its aspect in any canvas. */
export function viewTransform(view: View, width: number, height: number): { sx: number; sy: number; ox: number; oy: number } {
  const side = Math.min(width, height) * 0.92;
  const sx = (view.k * side) / width;
  const sy = (view.k * side) / height;
  return { sx, sy, ox: view.tx * sx, oy: view.ty * sy };
}

/** A fitted point → CSS pixels in the canvas. */
export function toScreen(x: number, y: number, view: View, width: number, height: number): [number, number] {
  const t = viewTransform(view, width, height);
  return [((x * t.sx + t.ox + 1) / 2) * width, ((1 - (y * t.sy + t.oy)) / 2) * height];
}

/** CSS pixels in the canvas → fitted coordinates. */
export function toData(px: number, py: number, view: View, width: number, height: number): [number, number] {
  const t = viewTransform(view, width, height);
  return [((px / width) * 2 - 1 - t.ox) / t.sx, (1 - (py / height) * 2 - t.oy) / t.sy];
}

export function pointSize(n: number, k: number): number {
  const base = n > 30_000 ? 2.5 : n > 5_000 ? 3.5 : n > 500 ? 5 : 8;
  return Math.min(14, base * Math.sqrt(k));
}

function glRenderer(canvas: HTMLCanvasElement): PointsRenderer | null {
  const gl = canvas.getContext('webgl', { antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
  if (!gl) return null;
  const shader = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    return s;
  };
  const prog = gl.createProgram()!;
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, VS));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, FS));
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) return null;
  const pos = gl.createBuffer();
  const col = gl.createBuffer();
  const aPos = gl.getAttribLocation(prog, 'a_pos');
  const aCol = gl.getAttribLocation(prog, 'a_col');
  const uScale = gl.getUniformLocation(prog, 'u_scale');
  const uOffset = gl.getUniformLocation(prog, 'u_offset');
  const uSize = gl.getUniformLocation(prog, 'u_size');
  let n = 0;
  return {
    kind: 'webgl',
    setPoints(xy) {
      n = xy.length / 2;
      gl.bindBuffer(gl.ARRAY_BUFFER, pos);
      gl.bufferData(gl.ARRAY_BUFFER, xy, gl.STATIC_DRAW);
    },
    setColors(rgba) {
      gl.bindBuffer(gl.ARRAY_BUFFER, col);
      gl.bufferData(gl.ARRAY_BUFFER, rgba, gl.STATIC_DRAW);
    },
    draw(view, width, height, dpr) {
      gl.viewport(0, 0, canvas.width, canvas.height);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (!n) return;
      gl.useProgram(prog);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
      const t = viewTransform(view, width, height);
      gl.uniform2f(uScale, t.sx, t.sy);
      gl.uniform2f(uOffset, t.ox, t.oy);
      gl.uniform1f(uSize, pointSize(n, view.k) * dpr);
      gl.bindBuffer(gl.ARRAY_BUFFER, pos);
      gl.enableVertexAttribArray(aPos);
      gl.vertexAttribPointer(aPos, 2, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, col);
      gl.enableVertexAttribArray(aCol);
      gl.vertexAttribPointer(aCol, 4, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.POINTS, 0, n);
    },
    dispose() {
      gl.deleteBuffer(pos);
      gl.deleteBuffer(col);
      gl.deleteProgram(prog);
    },
  };
}

function canvasRenderer(canvas: HTMLCanvasElement): PointsRenderer {
  const ctx = canvas.getContext('2d')!;
  let xy: Float32Array = new Float32Array(0);
  let groups: Array<{ style: string; idx: number[] }> = [];
  return {
    kind: 'canvas',
    setPoints(p) {
      xy = p;
    },
    setColors(rgba) {
      // One path per distinct colour: fill calls, not points, are what costs.
      const by = new Map<string, number[]>();
      for (let i = 0; i < rgba.length / 4; i++) {
        const key = `rgba(${Math.round(rgba[4 * i]! * 255)},${Math.round(rgba[4 * i + 1]! * 255)},${Math.round(rgba[4 * i + 2]! * 255)},${rgba[4 * i + 3]!.toFixed(2)})`;
        (by.get(key) ?? by.set(key, []).get(key)!).push(i);
      }
      groups = [...by].map(([style, idx]) => ({ style, idx }));
    },
    draw(view, width, height, dpr) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const t = viewTransform(view, width, height);
      const s = pointSize(xy.length / 2, view.k);
      for (const g of groups) {
        ctx.fillStyle = g.style;
        ctx.beginPath();
        for (const i of g.idx) {
          const x = ((xy[2 * i]! * t.sx + t.ox + 1) / 2) * width;
          const y = ((1 - (xy[2 * i + 1]! * t.sy + t.oy)) / 2) * height;
          ctx.rect(x - s / 2, y - s / 2, s, s);
        }
        ctx.fill();
      }
    },
    dispose() {},
  };
}

export function createRenderer(canvas: HTMLCanvasElement): PointsRenderer {
  return glRenderer(canvas) ?? canvasRenderer(canvas);
}

/** Fits map coordinates into [-1, 1] (the longer side), keeping the aspect. */
export function fitPoints(points: ReadonlyArray<{ x: number; y: number }>): Float32Array {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const half = Math.max(maxX - minX, maxY - minY) / 2 || 1;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const xy = new Float32Array(points.length * 2);
  points.forEach((p, i) => {
    xy[2 * i] = (p.x - cx) / half;
    xy[2 * i + 1] = (p.y - cy) / half;
  });
  return xy;
}

/** Whether (x, y) is inside the polygon (even–odd rule). */
export function inPolygon(x: number, y: number, poly: ReadonlyArray<[number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
