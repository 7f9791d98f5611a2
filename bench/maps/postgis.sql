-- Tables of the PostGIS peer of the tile benchmark. ogr2ogr has copied every dataset from
-- shikong's own GeoPackage (the same rows and attributes, geometry in EPSG:4490) into
-- <dataset>_src; the tiles are made from a stored EPSG:3857 copy (geom3857) with a GiST index,
-- as a tile server on PostGIS keeps it (PostGIS then does not reproject per request; shikong
-- does). The store's bookkeeping columns valid_from/valid_to are dropped.
-- Web Mercator stops at +-85.0511 degrees (Antarctica would not transform): geometries that
-- cross it are clipped there; every other geometry is transformed as it is.
SET client_min_messages = warning;
DROP TABLE IF EXISTS pts, countries, provinces;
CREATE TABLE pts AS
  SELECT s.*, ST_Transform(geom, 3857)::geometry(Point, 3857) AS geom3857 FROM pts_src s;
CREATE TABLE countries AS
  SELECT s.*, ST_Transform(CASE WHEN ST_YMin(geom) < -85.0511 OR ST_YMax(geom) > 85.0511
                                THEN ST_Intersection(geom, ST_MakeEnvelope(-180, -85.0511, 180, 85.0511, 4490))
                                ELSE geom END, 3857) AS geom3857
  FROM countries_src s;
CREATE TABLE provinces AS
  SELECT s.*, ST_Transform(geom, 3857) AS geom3857 FROM provinces_src s;
DROP TABLE pts_src, countries_src, provinces_src;
ALTER TABLE pts DROP COLUMN geom, DROP COLUMN valid_from, DROP COLUMN valid_to;
ALTER TABLE countries DROP COLUMN geom, DROP COLUMN valid_from, DROP COLUMN valid_to;
ALTER TABLE provinces DROP COLUMN geom, DROP COLUMN valid_from, DROP COLUMN valid_to;
ALTER TABLE pts ADD PRIMARY KEY (fid);
ALTER TABLE countries ADD PRIMARY KEY (fid);
ALTER TABLE provinces ADD PRIMARY KEY (fid);
CREATE INDEX pts_geom3857 ON pts USING gist (geom3857);
CREATE INDEX countries_geom3857 ON countries USING gist (geom3857);
CREATE INDEX provinces_geom3857 ON provinces USING gist (geom3857);
VACUUM ANALYZE pts;
VACUUM ANALYZE countries;
VACUUM ANALYZE provinces;
