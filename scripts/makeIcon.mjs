// Draws media/icon.png, the 128x128 extension icon: a notebook page on a rounded square, with an
// orange arrow rising out of it. No image tools needed: shapes are coverage tests, anti-aliased by
// supersampling, and the PNG is written with node:zlib.
//
//   node scripts/makeIcon.mjs [--size 128] [--out media/icon.png]
//
// The activity-bar icon (media/activity.svg) is the same picture in monochrome strokes.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
};
const size = Number(option('--size', '128'));
const out = option('--out', new URL('../media/icon.png', import.meta.url).pathname);
const SUPERSAMPLE = 5; // 5x5 samples per pixel
const UNIT = size / 128; // the drawing below is in a 128x128 coordinate space

// ---- shapes: each is (x, y) => boolean, in 128-unit coordinates --------------------------------

const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

/** A thick line with round caps: every point within width/2 of the segment. */
const segment = (ax, ay, bx, by, width) => (x, y) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (width / 2) ** 2;
};

/** A thick open polyline with round joins and caps. */
const polyline = (points, width) => {
  const parts = points.slice(1).map((p, i) => segment(points[i][0], points[i][1], p[0], p[1], width));
  return (x, y) => parts.some((part) => part(x, y));
};

const union = (...shapes) => (x, y) => shapes.some((shape) => shape(x, y));
const minus = (shape, hole) => (x, y) => shape(x, y) && !hole(x, y);

// ---- paints: (x, y) => [r, g, b, a] with channels 0..1 ------------------------------------------

const hex = (h, alpha = 1) => [
  parseInt(h.slice(1, 3), 16) / 255,
  parseInt(h.slice(3, 5), 16) / 255,
  parseInt(h.slice(5, 7), 16) / 255,
  alpha,
];
const solid = (h, alpha = 1) => {
  const c = hex(h, alpha);
  return () => c;
};
/** Linear gradient from (ax, ay) in colour `from` to (bx, by) in colour `to`. */
const linear = (ax, ay, bx, by, from, to) => {
  const a = hex(from);
  const b = hex(to);
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  return (x, y) => {
    const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / length2));
    return [0, 1, 2, 3].map((k) => a[k] + (b[k] - a[k]) * t);
  };
};

// ---- the picture, back to front -----------------------------------------------------------------

const page = roundedRect(33, 20, 95, 108, 9);
const ringYs = [42, 64, 86];
const arrowShaft = segment(78, 101, 78, 62, 13);
const arrowHead = polyline([[59, 79], [78, 60], [97, 79]], 13);
const arrow = union(arrowShaft, arrowHead);
// a halo in the page colour keeps the arrow readable where it crosses the page edge
const arrowHalo = union(segment(78, 101, 78, 62, 23), polyline([[59, 79], [78, 60], [97, 79]], 23));

const layers = [
  // background tile
  [roundedRect(4, 4, 124, 124, 26), linear(4, 4, 124, 124, '#4338ca', '#0e7490')],
  // soft shadow under the page
  [roundedRect(36, 24, 98, 112, 9), solid('#0b1024', 0.28)],
  // the page
  [page, linear(33, 20, 95, 108, '#ffffff', '#e6ecf5')],
  // cells on the page: a code cell (two lines) and an output block
  [segment(47, 36, 82, 36, 6), solid('#94a3b8')],
  [segment(47, 47, 70, 47, 6), solid('#94a3b8')],
  [roundedRect(45, 57, 66, 72, 3), solid('#c7d2fe')],
  // binder rings over the left edge
  ...ringYs.map((y) => [segment(26, y, 41, y, 7), solid('#1e293b')]),
  ...ringYs.map((y) => [segment(28.5, y, 38.5, y, 2.2), solid('#64748b')]),
  // the promotion arrow, with a halo cut out of whatever is under it
  [minus(arrowHalo, arrow), solid('#ffffff', 0.9)],
  [arrow, linear(78, 101, 78, 56, '#f97316', '#fbbf24')],
];

// ---- rasterise ----------------------------------------------------------------------------------

const rgba = Buffer.alloc(size * size * 4);
for (let py = 0; py < size; py++) {
  for (let px = 0; px < size; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SUPERSAMPLE; sy++) {
      for (let sx = 0; sx < SUPERSAMPLE; sx++) {
        const x = (px + (sx + 0.5) / SUPERSAMPLE) / UNIT;
        const y = (py + (sy + 0.5) / SUPERSAMPLE) / UNIT;
        // composite the layers "over" each other, premultiplied
        let cr = 0;
        let cg = 0;
        let cb = 0;
        let ca = 0;
        for (const [shape, paint] of layers) {
          if (!shape(x, y)) continue;
          const [lr, lg, lb, la] = paint(x, y);
          cr = lr * la + cr * (1 - la);
          cg = lg * la + cg * (1 - la);
          cb = lb * la + cb * (1 - la);
          ca = la + ca * (1 - la);
        }
        r += cr;
        g += cg;
        b += cb;
        a += ca;
      }
    }
    const n = SUPERSAMPLE * SUPERSAMPLE;
    const offset = (py * size + px) * 4;
    const alpha = a / n;
    // un-premultiply for PNG's straight alpha
    rgba[offset] = alpha > 0 ? Math.round((r / n / alpha) * 255) : 0;
    rgba[offset + 1] = alpha > 0 ? Math.round((g / n / alpha) * 255) : 0;
    rgba[offset + 2] = alpha > 0 ? Math.round((b / n / alpha) * 255) : 0;
    rgba[offset + 3] = Math.round(alpha * 255);
  }
}

// ---- PNG encoding -------------------------------------------------------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0); // width
header.writeUInt32BE(size, 4); // height
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
header[10] = 0; // compression
header[11] = 0; // filter method
header[12] = 0; // no interlace

const rows = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  rows[y * (size * 4 + 1)] = 0; // filter type None
  rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
}

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
console.log(`wrote ${out} (${size}x${size}, ${png.length} bytes)`);
