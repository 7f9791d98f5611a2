// The flat-map geometry of the base map (used by prepare.mjs, tested by geometry.test.mjs):
// rings cut at the antimeridian, polar caps closed, coastlines from land rings, label points.

// The polygons of a Polygon or MultiPolygon geometry, each as a list of rings.
export const polygonsOf = (g) => (!g ? [] : g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []);

// Natural Earth's TopoJSON keeps rings that cross the antimeridian whole (a spherical view):
// an edge jumps from x = 179.9 to x = -180. Drawn on a flat map such a ring spans the world, so
// it is cut there: each ring is unwrapped to a continuous x, clipped to the windows
// [-180, 180] + 360k and shifted back. A ring around a pole (Antarctica) goes by the pole.
export function unwrap(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    const prev = out[i - 1][0];
    let x = ring[i][0];
    while (x - prev > 180) x -= 360;
    while (prev - x > 180) x += 360;
    out.push([x, ring[i][1]]);
  }
  return out;
}

// Sutherland-Hodgman against lo <= x <= hi; the result is closed, or empty.
export function clipX(ring, lo, hi) {
  let pts = ring;
  for (const [inside, edge] of [[(p) => p[0] >= lo, lo], [(p) => p[0] <= hi, hi]]) {
    const out = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i], b = pts[(i + 1) % pts.length];
      if (inside(a)) out.push(a);
      if (inside(a) !== inside(b)) out.push([edge, a[1] + ((edge - a[0]) * (b[1] - a[1])) / (b[0] - a[0])]);
    }
    pts = out;
  }
  if (pts.length < 3) return [];
  if (pts[0][0] !== pts.at(-1)[0] || pts[0][1] !== pts.at(-1)[1]) pts.push(pts[0].slice());
  return pts;
}

export function insideRing([x, y], ring) {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

// A ring around a pole closes with a jump along some latitude; it goes down the antimeridian
// to (almost) the pole and back instead, so the flat polygon covers the polar cap.
// Points the source already put at the pole are dropped first, or they would overlap the new
// edges.
export function viaPole(ring) {
  const pole = ring.reduce((a, p) => a + p[1], 0) < 0 ? -89.999 : 89.999;  // as the source does: ±90 has no Mercator y
  const coast = ring.filter((p) => Math.abs(p[1]) < 89.99);
  if (coast.length < 3) return ring;
  if (coast[0] !== coast.at(-1)) coast.push(coast[0]);
  const out = [coast[0]];
  for (let i = 1; i < coast.length; i++) {
    const [xa, ya] = coast[i - 1], [xb, yb] = coast[i];
    if (Math.abs(xb - xa) > 180) {
      const ea = xa > 0 ? 180 : -180;
      out.push([ea, ya], [ea, pole], [-ea, pole], [-ea, yb]);
    }
    out.push(coast[i]);
  }
  return out;
}

export function splitAtAntimeridian(rings) {
  const jumps = (r) => r.some((p, i) => i > 0 && Math.abs(p[0] - r[i - 1][0]) > 180);
  if (!rings.some(jumps)) return [rings];
  const unwrapped = rings.map(unwrap);
  if (unwrapped.some((r) => Math.abs(r.at(-1)[0] - r[0][0]) > 1e-9)) return [rings.map(viaPole)];
  const pieces = (r) => [-1, 0, 1].flatMap((k) => {
    const c = clipX(r, -180 + 360 * k, 180 + 360 * k);
    return c.length && ringArea(c) > 0 ? [c.map(([x, y]) => [x - 360 * k, y])] : [];
  });
  const polygons = pieces(unwrapped[0]).map((outer) => [outer]);
  for (const hole of unwrapped.slice(1))
    for (const h of pieces(hole)) {
      const owner = polygons.find((p) => insideRing(h[0], p[0]));
      if (owner) owner.push(h);
    }
  return polygons;
}
// The TopoJSON also has rings that run only along the pole's latitude (no area; a hole of
// Antarctica in land-50m, a part of it in countries-50m): they are dropped.
export const atPole = (ring) => ring.every((p) => Math.abs(p[1]) >= 89.99);
export const flatPolygons = (g) => polygonsOf(g)
  .filter((rings) => !atPole(rings[0]))
  .map((rings) => rings.filter((r) => !atPole(r)))
  .flatMap(splitAtAntimeridian);
export const asGeometry = (polygons) => (polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons });

export function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a) / 2;
}
export const polygonArea = (rings) => rings.reduce((a, r, i) => a + (i === 0 ? 1 : -1) * ringArea(r), 0);

// A point inside a polygon for its label: the middle of the widest run of a horizontal line
// through the middle of its extent (the line is nudged off vertices so crossings are clean).
export function labelPoint(rings) {
  let minY = Infinity, maxY = -Infinity;
  for (const [, y] of rings[0]) { minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  let y = (minY + maxY) / 2;
  const ys = new Set(rings.flat().map((p) => p[1]));
  while (ys.has(y)) y += (maxY - minY) * 1e-7 || 1e-9;
  const xs = [];
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j], [x2, y2] = ring[i];
      if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
  xs.sort((a, b) => a - b);
  let best = null;
  for (let i = 0; i + 1 < xs.length; i += 2)
    if (!best || xs[i + 1] - xs[i] > best[1] - best[0]) best = [xs[i], xs[i + 1]];
  const round = (v) => Math.round(v * 1e5) / 1e5;
  return best ? [round((best[0] + best[1]) / 2), round(y)] : rings[0][0];
}
export const largestPolygon = (g) => polygonsOf(g).reduce((a, p) => (!a || polygonArea(p) > polygonArea(a) ? p : a), null);

// Coastlines: the rings of land polygons, without the edges that are not coasts: the cuts along
// the antimeridian and Antarctica's closing edges at the south pole. One LineString or
// MultiLineString geometry per ring that has coast.
const notCoast = (a, b) => (Math.abs(a[0]) >= 180 && Math.abs(b[0]) >= 180) || Math.abs(b[0] - a[0]) > 180 ||
  (a[1] <= -89.9 && b[1] <= -89.9);
export function coastlines(polygons) {
  const out = [];
  for (const rings of polygons)
    for (const ring of rings) {
      const parts = [];
      let run = [ring[0]];
      for (let i = 1; i < ring.length; i++) {
        if (notCoast(ring[i - 1], ring[i])) {
          if (run.length > 1) parts.push(run);
          run = [ring[i]];
        } else run.push(ring[i]);
      }
      if (run.length > 1) parts.push(run);
      // A ring cut open elsewhere than at its start joins its last run to its first.
      if (parts.length > 1 && parts[0][0] === ring[0] && parts.at(-1).at(-1) === ring.at(-1))
        parts[0] = parts.pop().concat(parts[0].slice(1));
      if (parts.length === 1) out.push({ type: 'LineString', coordinates: parts[0] });
      else if (parts.length > 1) out.push({ type: 'MultiLineString', coordinates: parts });
    }
  return out;
}
