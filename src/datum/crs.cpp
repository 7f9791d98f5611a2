// CRS parsing (codes, URIs, URNs, WKT, PROJJSON) and cached transformations through PROJ.
// Every PROJ object lives in one thread: shared Transformer objects keep a per-thread PJ*.
#include "datum/crs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/proj_context.hpp"

namespace shikong::datum {

using detail::PjPtr;
using detail::proj_ctx;

namespace {

constexpr std::size_t kMaxCrsText = 64 * 1024;

[[noreturn]] void unknown_crs(std::string_view parameter, std::string_view text) {
  std::string shown(text.substr(0, 60));
  for (auto& c : shown)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  throw InvalidInput("unknown-crs",
                     fmt::format("The coordinate reference system \"{}{}\" is not known.", shown,
                                 text.size() > 60 ? "..." : ""),
                     std::string(parameter));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A positive code of at most 9 digits, else 0.
int parse_code(std::string_view s) {
  if (s.empty() || s.size() > 9) return 0;
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v <= 0) return 0;
  return v;
}

// The authority form a short text names: "EPSG:<n>", "OGC:CRS84", "OGC:CRS84h", or "" when the
// text is not one of the code, URN or opengis.net URI forms.
std::string authority_form(std::string_view t, std::string_view parameter) {
  std::string l = lower(t);
  auto ogc = [](std::string_view name) -> std::string {
    if (name == "crs84") return "OGC:CRS84";
    if (name == "crs84h") return "OGC:CRS84h";
    return {};
  };
  if (l == "crs84" || l == "crs:84" || l == "ogc:crs84") return "OGC:CRS84";
  if (l == "crs84h" || l == "ogc:crs84h") return "OGC:CRS84h";
  if (int c = parse_code(l); c) return fmt::format("EPSG:{}", c);
  if (l.starts_with("epsg:")) {
    if (int c = parse_code(std::string_view(l).substr(5)); c) return fmt::format("EPSG:{}", c);
    unknown_crs(parameter, t);
  }
  for (std::string_view prefix : {"urn:ogc:def:crs:", "urn:x-ogc:def:crs:"}) {
    if (!l.starts_with(prefix)) continue;
    // urn:ogc:def:crs:<authority>:<version, may be empty>:<code>
    std::string_view rest = std::string_view(l).substr(prefix.size());
    auto a = rest.find(':');
    auto b = a == std::string_view::npos ? a : rest.find(':', a + 1);
    if (b == std::string_view::npos) unknown_crs(parameter, t);
    std::string_view auth = rest.substr(0, a);
    std::string_view code = rest.substr(b + 1);
    if (auth == "epsg")
      if (int c = parse_code(code); c) return fmt::format("EPSG:{}", c);
    if (auth == "ogc")
      if (auto o = ogc(code); !o.empty()) return o;
    unknown_crs(parameter, t);
  }
  if (l.starts_with("http://") || l.starts_with("https://")) {
    // Only the opengis.net CRS register, which we map ourselves; PROJ never sees a URL.
    std::string_view rest = std::string_view(l).substr(l[4] == 's' ? 8 : 7);
    constexpr std::string_view reg = "www.opengis.net/def/crs/";
    if (!rest.starts_with(reg)) unknown_crs(parameter, t);
    rest.remove_prefix(reg.size());
    auto a = rest.find('/');
    auto b = a == std::string_view::npos ? a : rest.find('/', a + 1);
    if (b == std::string_view::npos) unknown_crs(parameter, t);
    std::string_view auth = rest.substr(0, a);
    std::string_view code = rest.substr(b + 1);
    if (auth == "epsg")
      if (int c = parse_code(code); c) return fmt::format("EPSG:{}", c);
    if (auth == "ogc")
      if (auto o = ogc(code); !o.empty()) return o;
    unknown_crs(parameter, t);
  }
  return {};
}

bool looks_like_wkt(std::string_view t) {
  // A WKT keyword (letters, digits, underscores) followed by '[' or '('.
  std::size_t i = 0;
  while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
  return i > 0 && i < t.size() && (t[i] == '[' || t[i] == '(');
}

// The horizontal part of a CRS (the source of a bound CRS, the first of a compound one).
PjPtr horizontal(PJ* crs) {
  PJ_CONTEXT* ctx = proj_ctx();
  PjPtr cur(proj_clone(ctx, crs));
  for (int i = 0; i < 4 && cur; ++i) {
    PJ_TYPE t = proj_get_type(cur.get());
    if (t == PJ_TYPE_BOUND_CRS)
      cur.reset(proj_get_source_crs(ctx, cur.get()));
    else if (t == PJ_TYPE_COMPOUND_CRS)
      cur.reset(proj_crs_get_sub_crs(ctx, cur.get(), 0));
    else
      break;
  }
  return cur;
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Fills name, geographic and lat_first from a resolved PROJ CRS; false when it is not a
// horizontal CRS we can hold data in.
bool describe(PJ* obj, Crs& crs) {
  PJ_CONTEXT* ctx = proj_ctx();
  if (!proj_is_crs(obj)) return false;
  PjPtr h = horizontal(obj);
  if (!h) return false;
  PJ_TYPE t = proj_get_type(h.get());
  switch (t) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS:
      crs.geographic = true;
      break;
    case PJ_TYPE_PROJECTED_CRS:
      crs.geographic = false;
      break;
    default:
      return false;  // geocentric, vertical, engineering, temporal: not a map CRS
  }
  const char* name = proj_get_name(obj);
  crs.name = name ? name : "";
  PjPtr cs(proj_crs_get_coordinate_system(ctx, h.get()));
  if (!cs) return false;
  const char* direction = nullptr;
  if (!proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, &direction, nullptr, nullptr,
                             nullptr, nullptr))
    return false;
  std::string d = direction ? lower(direction) : "";
  crs.lat_first = d == "north" || d == "south";
  return true;
}

// True when embedded PROJ strings (WKT1 EXTENSION["PROJ4",...], remarks) name grid or init
// files: PROJ would open those paths when transforming.
bool names_files(std::string_view text) {
  std::string l = lower(text);
  for (std::string_view needle : {"grids=", "init=", "+proj=pipeline"})
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

// True for a bound CRS (WKT1 TOWGS84, +nadgrids) whose transformation reads grid files.
bool uses_grid_files(PJ* obj) {
  if (proj_get_type(obj) != PJ_TYPE_BOUND_CRS) return false;
  PJ_CONTEXT* ctx = proj_ctx();
  PjPtr op(proj_crs_get_coordoperation(ctx, obj));
  return op && proj_coordoperation_get_grid_used_count(ctx, op.get()) > 0;
}

Crs resolve_code(const std::string& code, std::string_view parameter, std::string_view text) {
  PJ_CONTEXT* ctx = proj_ctx();
  PjPtr obj(proj_create(ctx, code.c_str()));
  Crs crs;
  crs.id = code;
  crs.definition = code;
  if (!obj || !describe(obj.get(), crs)) unknown_crs(parameter, text);
  if (code.starts_with("EPSG:")) crs.epsg = parse_code(std::string_view(code).substr(5));
  return crs;
}

Crs resolve_text(std::string_view text, std::string_view parameter) {
  PJ_CONTEXT* ctx = proj_ctx();
  std::string def(text);
  PjPtr obj(proj_create(ctx, def.c_str()));
  Crs crs;
  if (!obj || !describe(obj.get(), crs)) unknown_crs(parameter, text);
  if (uses_grid_files(obj.get()) || names_files(def)) {
    // A grid name in client text can be any path on this machine (PROJ accepts absolute
    // paths); only registry definitions may bring grids.
    log::info("refused a CRS definition that names grid files");
    unknown_crs(parameter, text);
  }

  int* confidence = nullptr;
  PJ_OBJ_LIST* candidates = proj_identify(ctx, obj.get(), "EPSG", nullptr, &confidence);
  int code = 0;
  if (candidates) {
    int n = proj_list_get_count(candidates);
    for (int i = 0; i < n && code == 0; ++i) {
      if (confidence[i] < 90) continue;
      PjPtr c(proj_list_get(ctx, candidates, i));
      const char* id = c ? proj_get_id_code(c.get(), 0) : nullptr;
      if (id) code = parse_code(id);
    }
    proj_list_destroy(candidates);
    proj_int_list_destroy(confidence);
  }
  if (code) {
    // An EPSG equivalent: use the registry's definition so transformations find EPSG's
    // operations (the text's own axis order does not matter: we work in GIS order).
    Crs e = resolve_code(fmt::format("EPSG:{}", code), parameter, text);
    return e;
  }
  const char* wkt = proj_as_wkt(ctx, obj.get(), PJ_WKT2_2019, nullptr);
  crs.id = fmt::format("CUSTOM:{:016x}", fnv1a(wkt ? wkt : def));
  crs.definition = std::move(def);
  return crs;
}

// Resolved code forms are cached: request parameters name the same few CRSs over and over.
std::mutex code_cache_mutex;
std::unordered_map<std::string, Crs> code_cache;

}  // namespace

std::string Crs::uri() const {
  if (id.starts_with("EPSG:")) return "http://www.opengis.net/def/crs/EPSG/0/" + id.substr(5);
  if (id == "OGC:CRS84") return "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
  if (id == "OGC:CRS84h") return "http://www.opengis.net/def/crs/OGC/0/CRS84h";
  return {};
}

Crs parse_crs(std::string_view text, std::string_view parameter) {
  std::string_view t = trim(text);
  if (t.empty() || t.size() > kMaxCrsText) unknown_crs(parameter, t);
  std::string code = authority_form(t, parameter);
  if (!code.empty()) {
    {
      std::lock_guard lock(code_cache_mutex);
      if (auto it = code_cache.find(code); it != code_cache.end()) return it->second;
    }
    Crs crs = resolve_code(code, parameter, t);
    std::lock_guard lock(code_cache_mutex);
    code_cache.emplace(code, crs);
    return crs;
  }
  if (t.front() == '{' || looks_like_wkt(t)) return resolve_text(t, parameter);
  unknown_crs(parameter, t);
}

Crs crs84() {
  return parse_crs("OGC:CRS84");
}
Crs epsg(int code) {
  return parse_crs(fmt::format("EPSG:{}", code));
}

// --- transformations ------------------------------------------------------------------------

namespace {

// One step of a transformation, already normalised to GIS axis order.
PjPtr make_step(const std::string& from_def, const std::string& to_def) {
  PJ_CONTEXT* ctx = proj_ctx();
  PjPtr a(proj_create(ctx, from_def.c_str()));
  PjPtr b(proj_create(ctx, to_def.c_str()));
  if (!a || !b) return nullptr;
  PjPtr op(proj_create_crs_to_crs_from_pj(ctx, a.get(), b.get(), nullptr, nullptr));
  if (!op) return nullptr;
  PjPtr norm(proj_normalize_for_visualization(ctx, op.get()));
  return norm;
}

bool ballpark(PJ* op) {
  return proj_coordoperation_has_ballpark_transformation(proj_ctx(), op);
}

// The geodetic datum (or datum ensemble) of a CRS definition.
PjPtr datum_of(const std::string& def) {
  PJ_CONTEXT* ctx = proj_ctx();
  PjPtr crs(proj_create(ctx, def.c_str()));
  if (!crs) return nullptr;
  PjPtr h = horizontal(crs.get());
  return h ? PjPtr(proj_crs_get_datum_forced(ctx, h.get())) : nullptr;
}

// True when a step between two CRSs shifts a datum for real: the datums differ and the
// operation is not a ballpark no-op.
bool datum_shift(PJ* op, const std::string& from_def, const std::string& to_def) {
  if (ballpark(op)) return false;
  PjPtr a = datum_of(from_def);
  PjPtr b = datum_of(to_def);
  return !(a && b &&
           proj_is_equivalent_to_with_ctx(proj_ctx(), a.get(), b.get(), PJ_COMP_EQUIVALENT));
}

// The steps from one CRS to another. PROJ finds no registered path between, say, NAD27 and
// CGCS2000 and would fall back to a "ballpark" no-op; going through WGS 84 applies NAD27's real
// datum shift, while WGS 84 <-> CGCS2000 is itself ballpark (they agree to decimetres).
std::vector<PjPtr> make_steps(const Crs& from, const Crs& to) {
  std::vector<PjPtr> steps;
  PjPtr direct = make_step(from.definition, to.definition);
  if (!direct) return steps;
  static const std::string wgs84 = "EPSG:4326";
  if (ballpark(direct.get()) && from.id != wgs84 && to.id != wgs84) {
    PjPtr a = make_step(from.definition, wgs84);
    PjPtr b = make_step(wgs84, to.definition);
    if (a && b &&
        (datum_shift(a.get(), from.definition, wgs84) ||
         datum_shift(b.get(), wgs84, to.definition))) {
      steps.push_back(std::move(a));
      steps.push_back(std::move(b));
      return steps;
    }
  }
  steps.push_back(std::move(direct));
  return steps;
}

// PROJ's name of a step. A step with several candidate operations (chosen per coordinate by
// area of use) has no single name until used, so it is described by its two CRSs.
std::string step_description(PJ* op) {
  PJ_PROJ_INFO info = proj_pj_info(op);
  std::string d = info.description ? info.description : "";
  if (d.starts_with("unavailable")) {
    PJ_CONTEXT* ctx = proj_ctx();
    PjPtr src(proj_get_source_crs(ctx, op));
    PjPtr dst(proj_get_target_crs(ctx, op));
    const char* a = src ? proj_get_name(src.get()) : nullptr;
    const char* b = dst ? proj_get_name(dst.get()) : nullptr;
    d = fmt::format("{} to {} (operation chosen by area of use)", a ? a : "?", b ? b : "?");
    constexpr std::string_view noise = " (with axis order normalized for visualization)";
    for (auto at = d.find(noise); at != std::string::npos; at = d.find(noise))
      d.erase(at, noise.size());
  }
  return d;
}

// This thread's PJ objects for each transformer (by serial number).
struct ThreadOps {
  std::unordered_map<std::uint64_t, std::vector<PjPtr>> ops;
  // Touch the context first, so it is constructed before and destroyed after these PJs.
  ThreadOps() { proj_ctx(); }
};

ThreadOps& thread_ops() {
  thread_local ThreadOps t;
  return t;
}

std::atomic<std::uint64_t> next_serial{1};

[[noreturn]] void transform_failed(const Crs& from, const Crs& to) {
  throw InvalidInput(
      "transform-failed",
      fmt::format("A coordinate has no position in {} when transformed from {}.", to.id, from.id));
}

class ProjTransformer final : public Transformer {
 public:
  ProjTransformer(Crs from, Crs to)
      : from_(std::move(from)), to_(std::move(to)), serial_(next_serial++) {
    const auto& steps = ops();  // builds this thread's copy, and proves the pair works
    for (const auto& s : steps) {
      if (!description_.empty()) description_ += " + ";
      description_ += step_description(s.get());
    }
  }

  void transform(geo::Geometry& g) const override {
    const auto& steps = ops();
    transform_geometry(steps, g);
  }

  void transform(double& x, double& y) const override {
    for (const auto& s : ops()) {
      PJ_COORD c = proj_coord(x, y, 0, 0);
      c = proj_trans(s.get(), PJ_FWD, c);
      x = c.xy.x;
      y = c.xy.y;
    }
    if (!std::isfinite(x) || !std::isfinite(y)) transform_failed(from_, to_);
  }

  Envelope transform(const Envelope& e) const override {
    if (e.empty()) return e;
    // Densify each edge: a projected box's edges are curves in the other CRS.
    constexpr int kPerEdge = 21;
    std::vector<double> xs;
    std::vector<double> ys;
    xs.reserve(4 * kPerEdge);
    ys.reserve(4 * kPerEdge);
    for (int i = 0; i < kPerEdge; ++i) {
      double f = static_cast<double>(i) / (kPerEdge - 1);
      double x = e.min_x + (e.max_x - e.min_x) * f;
      double y = e.min_y + (e.max_y - e.min_y) * f;
      xs.insert(xs.end(), {x, x, e.min_x, e.max_x});
      ys.insert(ys.end(), {e.min_y, e.max_y, y, y});
    }
    for (const auto& s : ops()) {
      proj_trans_generic(s.get(), PJ_FWD, xs.data(), sizeof(double), xs.size(), ys.data(),
                         sizeof(double), ys.size(), nullptr, 0, 0, nullptr, 0, 0);
      proj_errno_reset(s.get());
    }
    Envelope out;
    for (std::size_t i = 0; i < xs.size(); ++i)
      if (std::isfinite(xs[i]) && std::isfinite(ys[i])) out.extend(xs[i], ys[i]);
    if (out.empty()) transform_failed(from_, to_);
    return out;
  }

  bool is_identity() const override { return false; }
  std::string description() const override { return description_; }

 private:
  Crs from_;
  Crs to_;
  std::uint64_t serial_;
  std::string description_;

  const std::vector<PjPtr>& ops() const {
    auto& cache = thread_ops().ops;
    auto it = cache.find(serial_);
    if (it != cache.end()) return it->second;
    std::vector<PjPtr> steps = make_steps(from_, to_);
    if (steps.empty())
      throw InvalidInput(
          "transform-failed",
          fmt::format("No transformation from {} to {} is available.", from_.id, to_.id));
    return cache.emplace(serial_, std::move(steps)).first->second;
  }

  void transform_coords(const std::vector<PjPtr>& steps, std::vector<geo::Coord>& cs,
                        bool z) const {
    if (cs.empty()) return;
    const std::size_t n = cs.size();
    constexpr std::size_t stride = sizeof(geo::Coord);
    for (const auto& s : steps) {
      proj_trans_generic(s.get(), PJ_FWD, &cs[0].x, stride, n, &cs[0].y, stride, n,
                         z ? &cs[0].z : nullptr, z ? stride : 0, z ? n : 0, nullptr, 0, 0);
      proj_errno_reset(s.get());
    }
    for (const auto& c : cs)
      if (!std::isfinite(c.x) || !std::isfinite(c.y)) transform_failed(from_, to_);
  }

  void transform_geometry(const std::vector<PjPtr>& steps, geo::Geometry& g) const {
    transform_coords(steps, g.coords, g.has_z);
    for (auto& r : g.rings) transform_coords(steps, r, g.has_z);
    for (auto& p : g.parts) transform_geometry(steps, p);
  }
};

class IdentityTransformer final : public Transformer {
 public:
  void transform(geo::Geometry&) const override {}
  void transform(double&, double&) const override {}
  Envelope transform(const Envelope& e) const override { return e; }
  bool is_identity() const override { return true; }
  std::string description() const override { return "Identity"; }
};

std::mutex transformer_mutex;
std::unordered_map<std::string, std::shared_ptr<const Transformer>> transformers;

}  // namespace

std::shared_ptr<const Transformer> transformer(const Crs& from, const Crs& to) {
  if (from.id == to.id) {
    static const auto identity = std::make_shared<const IdentityTransformer>();
    return identity;
  }
  std::string key = from.id + '\n' + to.id;
  {
    std::lock_guard lock(transformer_mutex);
    if (auto it = transformers.find(key); it != transformers.end()) return it->second;
  }
  // Built outside the lock: creating PROJ operations can take milliseconds.
  auto t = std::make_shared<const ProjTransformer>(from, to);
  std::lock_guard lock(transformer_mutex);
  return transformers.emplace(key, std::move(t)).first->second;
}

namespace {
std::mutex platform_mutex;
std::unique_ptr<Crs> platform;
}  // namespace

const Crs& platform_crs() {
  std::lock_guard lock(platform_mutex);
  if (!platform) platform = std::make_unique<Crs>(epsg(4490));
  return *platform;
}

void set_platform_crs(const Crs& crs) {
  std::lock_guard lock(platform_mutex);
  // The old object stays alive: callers may still hold a reference to it.
  static std::vector<std::unique_ptr<Crs>> retired;
  if (platform) retired.push_back(std::move(platform));
  platform = std::make_unique<Crs>(crs);
}

}  // namespace shikong::datum
