// Renders a MapLibre GL style in headless Chromium (Debian's /usr/bin/chromium, WebGL through
// SwiftShader) and reports the screenshot's pixels at given longitudes/latitudes. Used by
// tests/integration/test_maplibre.py; runnable by hand:
//   node render.mjs '{"style":"http://127.0.0.1:8080/api/v1/datasets/x/styles/default/maplibre.json",
//                     "bounds":[0,0,40,40],"points":[[20,20]],"screenshot":"/tmp/x.png"}'
// Several maps in one browser: '{"jobs":[{...},{...}]}'; a request in a file: @FILE. Prints one JSON object per job (an
// array for "jobs"): {pixels:[[r,g,b,a]...], positions:[[x,y]...], errors:[...], tiles:n}.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'node_modules', 'maplibre-gl', 'dist');

const arg = process.argv[2] ?? '{}';
const request = JSON.parse(arg.startsWith('@') ? await readFile(arg.slice(1), 'utf8') : arg);
const jobs = request.jobs ?? [request];
const width = request.width ?? 512;
const height = request.height ?? 512;
const timeoutMs = request.timeout_ms ?? 45000;

// The page: MapLibre's ES modules need an http origin (its worker is a module beside the main
// file), so a local server hands out the page and node_modules/maplibre-gl/dist.
const page_html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/dist/maplibre-gl.css">
<style>html,body{margin:0;padding:0;background:#000}#map{width:${width}px;height:${height}px}</style>
</head><body><div id="map"></div>
<script type="module">
import * as maplibregl from '/dist/maplibre-gl.mjs';
window.maplibregl = maplibregl;
window.mapReady = true;
</script></body></html>`;

const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/' || url.pathname === '/index.html') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page_html);
    return;
  }
  const name = url.pathname.startsWith('/dist/') ? path.basename(url.pathname) : '';
  try {
    if (!name) throw new Error('not found');
    const body = await readFile(path.join(dist, name));
    res.writeHead(200, { 'Content-Type': types[path.extname(name)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // WebGL without a GPU: ANGLE on SwiftShader. No downloads, no background traffic.
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
         '--disable-background-networking', '--disable-component-update', '--disable-domain-reliability',
         '--no-first-run', '--font-render-hinting=none'],
});
const results = [];
let exit = 0;
try {
  for (const job of jobs) results.push(await render(job));
} catch (e) {
  results.push({ errors: [`render.mjs: ${e.message}`] });
  exit = 1;
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(request.jobs ? results : results[0]) + '\n');
process.exit(exit);

async function render(job) {
  const out = { pixels: [], positions: [], errors: [], tiles: 0, console: [] };
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  page.on('console', (m) => { if (m.type() === 'error') out.console.push(m.text()); });
  page.on('pageerror', (e) => out.errors.push(`page: ${e.message}`));
  page.on('response', (r) => { if (/\.pbf(\?|$)/.test(r.url()) && r.status() === 200) out.tiles++; });
  await page.goto(origin + '/');
  await page.waitForFunction(() => window.mapReady === true, null, { timeout: timeoutMs });
  const result = await page.evaluate(async ({ job, timeoutMs }) => {
    const errors = [];
    const map = new window.maplibregl.Map({
      container: 'map',
      style: job.style,
      bounds: job.bounds,
      center: job.center,
      zoom: job.zoom,
      fadeDuration: 0,
      attributionControl: false,
      interactive: false,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
    });
    map.on('error', (e) => errors.push(String(e?.error?.message ?? e?.error ?? e)));
    // 'idle': every tile in view loaded and drawn, no transition running.
    const idle = await Promise.race([
      new Promise((resolve) => map.once('idle', () => resolve(true))),
      new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    if (!idle) errors.push('map did not become idle');
    const positions = (job.points ?? []).map(([lon, lat]) => {
      const p = map.project([lon, lat]);
      return [Math.round(p.x), Math.round(p.y)];
    });
    const layers = map.getStyle()?.layers?.map((l) => `${l.id}:${l.type}`) ?? [];
    return { errors, positions, layers };
  }, { job, timeoutMs });
  out.errors.push(...result.errors);
  out.positions = result.positions;
  out.layers = result.layers;

  // The pixels are read from the screenshot (what a user sees), decoded by the browser itself.
  const png = await page.screenshot({ type: 'png' });
  if (job.screenshot) await writeFile(job.screenshot, png);
  out.pixels = await page.evaluate(async ({ data, positions, width, height }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return positions.map(([x, y]) => (x >= 0 && y >= 0 && x < width && y < height
      ? Array.from(ctx.getImageData(x, y, 1, 1).data) : null));
  }, { data: png.toString('base64'), positions: out.positions, width, height });
  await page.close();
  return out;
}
