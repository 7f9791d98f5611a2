// Validity, repair and predicates through the GEOS C API (re-entrant *_r functions with one
// context handle per thread, because a handle must not be shared between threads).
#include "geo/geos/validity.hpp"

#include <geos_c.h>

#include <cstdarg>
#include <cstdio>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::geo {
namespace {

struct Context {
  GEOSContextHandle_t h;
  std::string last_error;
  Context() : h(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(h, &Context::on_error, this);
  }
  ~Context() { GEOS_finish_r(h); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  static void on_error(const char* message, void* self) {
    static_cast<Context*>(self)->last_error = message ? message : "";
  }
};

Context& ctx() {
  thread_local Context c;
  return c;
}

struct GeomDeleter {
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(ctx().h, g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

// Thrown internally when GEOS refuses to build a geometry (unclosed or too short ring).
struct BuildError {
  std::string reason;
};

GEOSCoordSequence* to_seq(const std::vector<Coord>& cs, bool z) {
  GEOSContextHandle_t h = ctx().h;
  GEOSCoordSequence* s = GEOSCoordSeq_create_r(h, static_cast<unsigned>(cs.size()), z ? 3u : 2u);
  if (!s) throw BuildError{"the coordinate sequence could not be created"};
  for (unsigned i = 0; i < cs.size(); ++i) {
    if (z)
      GEOSCoordSeq_setXYZ_r(h, s, i, cs[i].x, cs[i].y, cs[i].z);
    else
      GEOSCoordSeq_setXY_r(h, s, i, cs[i].x, cs[i].y);
  }
  return s;
}

GEOSGeometry* ring_to_geos(const Ring& r, bool z, bool repair) {
  Ring fixed;
  const Ring* use = &r;
  if (repair && !r.empty() && !(r.front().x == r.back().x && r.front().y == r.back().y)) {
    fixed = r;
    fixed.push_back(r.front());
    use = &fixed;
  }
  if (!use->empty() && use->size() < 4) throw BuildError{"Too few points in ring"};
  if (!use->empty() && !(use->front().x == use->back().x && use->front().y == use->back().y))
    throw BuildError{"Ring is not closed"};
  GEOSGeometry* g = GEOSGeom_createLinearRing_r(ctx().h, to_seq(*use, z));
  if (!g) throw BuildError{"Invalid ring"};
  return g;
}

GEOSGeometry* to_geos(const Geometry& g, bool repair) {
  GEOSContextHandle_t h = ctx().h;
  const bool z = g.has_z;
  GEOSGeometry* out = nullptr;
  switch (g.type) {
    case GeometryType::point:
      out = g.coords.empty() ? GEOSGeom_createEmptyPoint_r(h)
                             : GEOSGeom_createPoint_r(h, to_seq(g.coords, z));
      break;
    case GeometryType::line_string:
      if (g.coords.size() == 1) throw BuildError{"Too few points in line string"};
      out = g.coords.empty() ? GEOSGeom_createEmptyLineString_r(h)
                             : GEOSGeom_createLineString_r(h, to_seq(g.coords, z));
      break;
    case GeometryType::polygon: {
      if (g.rings.empty() || g.rings.front().empty()) {
        out = GEOSGeom_createEmptyPolygon_r(h);
        break;
      }
      std::vector<GEOSGeometry*> rings;
      try {
        for (const auto& r : g.rings) {
          if (repair && r.size() + 1 < 4) {
            if (rings.empty()) throw BuildError{"Too few points in ring"};
            continue;  // repair drops degenerate holes
          }
          rings.push_back(ring_to_geos(r, z, repair));
        }
      } catch (...) {
        for (auto* r : rings) GEOSGeom_destroy_r(h, r);
        throw;
      }
      out = GEOSGeom_createPolygon_r(h, rings[0], rings.data() + 1,
                                     static_cast<unsigned>(rings.size() - 1));
      break;
    }
    case GeometryType::unknown:
      throw BuildError{"the geometry has no type"};
    default: {
      int type = g.type == GeometryType::multi_point         ? GEOS_MULTIPOINT
                 : g.type == GeometryType::multi_line_string ? GEOS_MULTILINESTRING
                 : g.type == GeometryType::multi_polygon     ? GEOS_MULTIPOLYGON
                                                             : GEOS_GEOMETRYCOLLECTION;
      std::vector<GEOSGeometry*> parts;
      try {
        for (const auto& p : g.parts) parts.push_back(to_geos(p, repair));
      } catch (...) {
        for (auto* p : parts) GEOSGeom_destroy_r(h, p);
        throw;
      }
      out = GEOSGeom_createCollection_r(h, type, parts.data(), static_cast<unsigned>(parts.size()));
      break;
    }
  }
  if (!out) throw BuildError{"GEOS could not build the geometry"};
  return out;
}

std::vector<Coord> from_seq(const GEOSCoordSequence* s, bool z) {
  GEOSContextHandle_t h = ctx().h;
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, s, &n);
  std::vector<Coord> out(n);
  for (unsigned i = 0; i < n; ++i) {
    if (z)
      GEOSCoordSeq_getXYZ_r(h, s, i, &out[i].x, &out[i].y, &out[i].z);
    else
      GEOSCoordSeq_getXY_r(h, s, i, &out[i].x, &out[i].y);
  }
  if (z)  // GEOS reports a missing Z as NaN
    for (auto& c : out)
      if (c.z != c.z) c.z = 0;
  return out;
}

Geometry from_geos(const GEOSGeometry* g, bool z) {
  GEOSContextHandle_t h = ctx().h;
  Geometry out;
  out.has_z = z;
  int type = GEOSGeomTypeId_r(h, g);
  switch (type) {
    case GEOS_POINT:
      out.type = GeometryType::point;
      if (!GEOSisEmpty_r(h, g)) out.coords = from_seq(GEOSGeom_getCoordSeq_r(h, g), z);
      break;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      out.type = GeometryType::line_string;
      out.coords = from_seq(GEOSGeom_getCoordSeq_r(h, g), z);
      break;
    case GEOS_POLYGON: {
      out.type = GeometryType::polygon;
      if (GEOSisEmpty_r(h, g)) break;
      out.rings.push_back(from_seq(GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)), z));
      int holes = GEOSGetNumInteriorRings_r(h, g);
      for (int i = 0; i < holes; ++i)
        out.rings.push_back(
            from_seq(GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i)), z));
      break;
    }
    default: {
      out.type = type == GEOS_MULTIPOINT        ? GeometryType::multi_point
                 : type == GEOS_MULTILINESTRING ? GeometryType::multi_line_string
                 : type == GEOS_MULTIPOLYGON    ? GeometryType::multi_polygon
                                                : GeometryType::geometry_collection;
      int n = GEOSGetNumGeometries_r(h, g);
      for (int i = 0; i < n; ++i) out.parts.push_back(from_geos(GEOSGetGeometryN_r(h, g, i), z));
      break;
    }
  }
  return out;
}

}  // namespace

Validity check_validity(const Geometry& g) {
  GeomPtr geom;
  try {
    geom.reset(to_geos(g, false));
  } catch (const BuildError& e) {
    return Validity{false, e.reason};
  }
  char* reason = GEOSisValidReason_r(ctx().h, geom.get());
  if (!reason) {
    log::warn("GEOS validity check failed: {}", ctx().last_error);
    return Validity{false, "The validity check failed"};
  }
  Validity v;
  v.reason = reason;
  GEOSFree_r(ctx().h, reason);
  v.valid = v.reason == "Valid Geometry";
  if (v.valid) v.reason.clear();
  return v;
}

Geometry make_valid(const Geometry& g) {
  GeomPtr geom;
  try {
    geom.reset(to_geos(g, true));
  } catch (const BuildError& e) {
    throw InvalidInput("invalid-geometry", "The geometry cannot be repaired: " + e.reason + ".",
                       "geometry");
  }
  GeomPtr fixed(GEOSMakeValid_r(ctx().h, geom.get()));
  if (!fixed) {
    log::warn("GEOS make-valid failed: {}", ctx().last_error);
    throw InvalidInput("invalid-geometry", "The geometry cannot be repaired.", "geometry");
  }
  return from_geos(fixed.get(), g.has_z);
}

bool intersects(const Geometry& a, const Geometry& b) {
  GeomPtr ga;
  GeomPtr gb;
  try {
    ga.reset(to_geos(a, false));
    gb.reset(to_geos(b, false));
  } catch (const BuildError& e) {
    throw InvalidInput("invalid-geometry",
                       "The geometry cannot be tested for intersection: " + e.reason + ".",
                       "geometry");
  }
  char r = GEOSIntersects_r(ctx().h, ga.get(), gb.get());
  if (r == 2) {
    log::warn("GEOS intersects failed: {}", ctx().last_error);
    throw InvalidInput("invalid-geometry", "The geometries cannot be tested for intersection.",
                       "geometry");
  }
  return r == 1;
}

}  // namespace shikong::geo
