// Tests of the base map's flat-map geometry (node --test; run by tests/integration/test_basemap.py).
import test from 'node:test';
import assert from 'node:assert/strict';
import { coastlines, flatPolygons, labelPoint, ringArea, splitAtAntimeridian } from './geometry.mjs';

const bbox = (ring) => [Math.min(...ring.map((p) => p[0])), Math.min(...ring.map((p) => p[1])),
  Math.max(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[1]))];
const jumps = (ring) => ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);

// 170°E to 170°W, 10°S to 10°N, written as the TopoJSON does: edges jump across the antimeridian.
const across = [[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]];

test('a ring across the antimeridian becomes one polygon on each side', () => {
  const parts = splitAtAntimeridian([across]);
  assert.equal(parts.length, 2);
  const boxes = parts.map((p) => bbox(p[0])).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(boxes, [[-180, -10, -170, 10], [170, -10, 180, 10]]);
  for (const p of parts) {
    assert.equal(ringArea(p[0]), 200);
    assert.equal(jumps(p[0]), false);
  }
});

test('a hole goes with the part that holds it', () => {
  const hole = [[-176, -2], [-174, -2], [-174, 2], [-176, 2], [-176, -2]];
  const parts = splitAtAntimeridian([across, hole]);
  const west = parts.find((p) => bbox(p[0])[0] === -180);
  const east = parts.find((p) => bbox(p[0])[0] === 170);
  assert.equal(west.length, 2);
  assert.deepEqual(bbox(west[1]), [-176, -2, -174, 2]);
  assert.equal(east.length, 1);
});

test('a polygon that does not cross is left as it is', () => {
  const rings = [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]];
  assert.deepEqual(splitAtAntimeridian(rings), [rings]);
});

test('a ring around the south pole is closed through the pole, not along a latitude', () => {
  const ring = [[-180, -80], [-90, -70], [0, -80], [90, -70], [179, -80], [-180, -80]];
  const [[out]] = splitAtAntimeridian([ring]);
  // The one edge across the map runs along the pole.
  const across = out.flatMap((p, i) => (i > 0 && Math.abs(p[0] - out[i - 1][0]) > 180 ? [[out[i - 1], p]] : []));
  assert.deepEqual(across, [[[180, -89.999], [-180, -89.999]]]);
  assert.deepEqual(bbox(out), [-180, -89.999, 180, -70]);
  assert.ok(out.some((p) => p[0] === 180 && p[1] === -89.999));
  assert.ok(out.some((p) => p[0] === -180 && p[1] === -89.999));
});

test('rings only along the pole latitude are dropped', () => {
  const sliver = [[-180, -89.999], [0, -89.999], [180, -89.999], [-180, -89.999]];
  const square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
  const g = { type: 'MultiPolygon', coordinates: [[sliver], [square, sliver]] };
  assert.deepEqual(flatPolygons(g), [[square]]);
});

test('coastlines leave out the antimeridian cuts and the polar closing edges', () => {
  const lines = coastlines(splitAtAntimeridian([across]));
  assert.equal(lines.length, 2);
  for (const g of lines) {
    assert.equal(g.type, 'LineString');
    assert.equal(g.coordinates.length, 4);  // three sides of each half; the cut is not a coast
    for (let i = 1; i < g.coordinates.length; i++) {
      const [a, b] = [g.coordinates[i - 1], g.coordinates[i]];
      assert.ok(!(Math.abs(a[0]) === 180 && Math.abs(b[0]) === 180), JSON.stringify([a, b]));
    }
  }
  const polar = splitAtAntimeridian([[[-180, -80], [-90, -70], [0, -80], [90, -70], [179, -80], [-180, -80]]]);
  const [coast] = coastlines(polar);
  assert.ok(coast.coordinates.every((p) => p[1] > -89.9));
  assert.deepEqual(coast.coordinates[0], [-180, -80]);
  assert.deepEqual(coast.coordinates.at(-1), [180, -80]);
});

test('a label point lies inside the polygon', () => {
  assert.deepEqual(labelPoint([[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]), [5, 5]);
  // An L: the middle of its extent (5, 5) is outside; the label goes in the widest run there.
  const l = [[0, 0], [10, 0], [10, 2], [2, 2], [2, 10], [0, 10], [0, 0]];
  assert.deepEqual(labelPoint([l]), [1, 5]);
  // A square with a hole in the middle: the widest run beside the hole.
  const outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
  const hole = [[3, 3], [9, 3], [9, 7], [3, 7], [3, 3]];
  assert.deepEqual(labelPoint([outer, hole]), [1.5, 5]);
});
