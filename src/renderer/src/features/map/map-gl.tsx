// .tsx although it holds no component: it uses WebGL and canvas DOM types, which tsconfig.node.json (that checks
// renderer .ts modules without the DOM for node tests) does not have; tsconfig.web.json checks it.
// Draws the map's points. On a GPU: WebGL points (one draw call, positions and colours in GPU buffers, so a pan
// or zoom only changes two uniforms). Where WebGL is missing or is itself emulated on the CPU (SwiftShader,
// llvmpipe — headless Chromium, a blocklisted GPU), the CPU splats the points into an ImageData instead
// (map-splat.ts): emulated GL costs ~1 µs per point and frame, the splat a few ms for all 75,000.
// Coordinates are the map's, fitted into [-1, 1] once.
import { packColors, packCss, splatPoints } from './map-splat';

export interface View {
  /** Zoom (1 = the whole map fits) and pan, in fitted units. */
  k: number;
  tx: number;
  ty: number;
}

export type RendererKind = 'webgl' | 'webgl-software' | 'cpu';

export interface PointsRenderer {
  /** webgl: a GPU; webgl-software: GL emulated on the CPU (only when asked for, to measure it); cpu: map-splat. */
  readonly kind: RendererKind;
  /** The largest device-pixel ratio worth drawing at (the CPU path draws at CSS pixels: 4× less to fill at 2×). */
  readonly maxPixelRatio: number;
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

/** Whether this page's WebGL runs on a CPU, probed once on a canvas of its own (a canvas keeps its first context). */
let softwareGl: boolean | null = null;
export function webglIsSoftware(): boolean {
  if (softwareGl !== null) return softwareGl;
  const gl = document.createElement('canvas').getContext('webgl');
  if (!gl) return (softwareGl = true);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return (softwareGl = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name));
}

function glRenderer(canvas: HTMLCanvasElement, kind: RendererKind): PointsRenderer | null {
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
    kind,
    maxPixelRatio: Infinity,
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

function cpuRenderer(canvas: HTMLCanvasElement): PointsRenderer {
  const ctx = canvas.getContext('2d', { alpha: false })!;
  let xy: Float32Array = new Float32Array(0);
  let colors: Uint32Array = new Uint32Array(0);
  let image: ImageData | null = null;
  let pixels: Int32Array = new Int32Array(0);
  let background = 0xff000000;
  return {
    kind: 'cpu',
    maxPixelRatio: 1,
    setPoints(p) {
      xy = p;
    },
    setColors(rgba) {
      colors = packColors(rgba);
    },
    draw(view, width, height, dpr) {
      if (!image || image.width !== canvas.width || image.height !== canvas.height) {
        image = ctx.createImageData(canvas.width, canvas.height);
        pixels = new Int32Array(image.data.buffer);
        background = backgroundOf(canvas);
      }
      // The canvas is opaque (blending against a known colour is a multiply-add per channel): paint what is behind it.
      splatPoints(pixels, image.width, image.height, xy, colors, viewTransform(view, width, height), pointSize(xy.length / 2, view.k) * dpr, background);
      ctx.putImageData(image, 0, 0);
    },
    dispose() {},
  };
}

/** The first opaque background behind the canvas, as 0xAABBGGRR. */
function backgroundOf(el: HTMLElement): number {
  for (let e: HTMLElement | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && !/rgba\([^)]*,\s*0\)$/.test(bg) && bg !== 'transparent') return packCss(bg) ?? 0xff000000;
  }
  return 0xff000000;
}

/**
 * The renderer for this canvas: WebGL on a GPU, the CPU splat where WebGL is missing or emulated. `prefer`
 * forces one (the map-fps bench measures both on the same page).
 */
export function createRenderer(canvas: HTMLCanvasElement, prefer?: RendererKind | null): PointsRenderer {
  if (prefer === 'cpu') return cpuRenderer(canvas);
  const software = webglIsSoftware();
  if (prefer === 'webgl-software' || prefer === 'webgl' || !software) return glRenderer(canvas, software ? 'webgl-software' : 'webgl') ?? cpuRenderer(canvas);
  return cpuRenderer(canvas);
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
