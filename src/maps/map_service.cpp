// The map engine facade: styles read from the store and classified from the data, tiles through
// the cache (keys carry every dataset's version), maps, feature info by a geometric test in
// the view's pixel space, legends and seeding.
#include "maps/map_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <mutex>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/crs.hpp"
#include "geo/wkb.hpp"

namespace shikong::maps {
namespace {

constexpr std::string_view mvt_type = "application/vnd.mapbox-vector-tile";
// Values read to classify a style: enough for stable quantiles and the common categories.
constexpr std::int64_t max_sampled_values = 10000;
constexpr std::size_t max_cached_styles = 4096;
// Candidates read per layer for feature info, before the exact test.
constexpr std::int64_t max_info_candidates = 10000;
// A seed larger than this is refused rather than left running for days.
constexpr std::int64_t max_seed_tiles = 10'000'000;

std::string hex64(std::uint64_t v) {
  return fmt::format("{:016x}", v);
}

std::string time_variant(const std::optional<Interval>& time) {
  if (!time) return {};
  auto end = [](const std::optional<Instant>& t) {
    return t ? std::to_string(t->micros) : std::string("..");
  };
  return end(time->start) + "/" + end(time->end);
}

bool valid_style_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Instant now() {
  return Instant{std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()};
}

// --- Feature info: exact tests in pixel space ------------------------------------------------

struct Pixel {
  double x, y;
};

double segment_distance(Pixel p, Pixel a, Pixel b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  double cx = a.x + t * dx - p.x, cy = a.y + t * dy - p.y;
  return std::sqrt(cx * cx + cy * cy);
}

struct PixelSpace {
  Envelope bbox;
  double res_x, res_y;  // CRS units per pixel
  Pixel operator()(const geo::Coord& c) const {
    return {(c.x - bbox.min_x) / res_x, (bbox.max_y - c.y) / res_y};
  }
};

bool near_line(const std::vector<geo::Coord>& coords, const PixelSpace& px, Pixel p, double reach) {
  if (coords.size() == 1) {
    auto a = px(coords[0]);
    return std::hypot(a.x - p.x, a.y - p.y) <= reach;
  }
  for (std::size_t i = 1; i < coords.size(); ++i)
    if (segment_distance(p, px(coords[i - 1]), px(coords[i])) <= reach) return true;
  return false;
}

// Even-odd rule over every ring: holes are outside.
bool inside_polygon(const std::vector<geo::Ring>& rings, const PixelSpace& px, Pixel p) {
  bool inside = false;
  for (const auto& ring : rings) {
    for (std::size_t i = 0, j = ring.size() ? ring.size() - 1 : 0; i < ring.size(); j = i++) {
      auto a = px(ring[i]), b = px(ring[j]);
      if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
        inside = !inside;
    }
  }
  return inside;
}

bool hits(const geo::Geometry& g, const PixelSpace& px, Pixel p, double point_reach,
          double line_reach) {
  switch (g.type) {
    case geo::GeometryType::point:
      return !g.coords.empty() && near_line(g.coords, px, p, point_reach);
    case geo::GeometryType::line_string:
      return near_line(g.coords, px, p, line_reach);
    case geo::GeometryType::polygon:
      if (inside_polygon(g.rings, px, p)) return true;
      for (const auto& ring : g.rings)
        if (near_line(ring, px, p, line_reach)) return true;
      return false;
    default:
      for (const auto& part : g.parts)
        if (hits(part, px, p, point_reach, line_reach)) return true;
      return false;
  }
}

// How far from its geometry a feature is drawn, in px: half the largest marker, half the
// widest stroke.
void symbol_reach(const style::Style& s, double& marker, double& stroke) {
  auto take = [&](const style::Symbol& sym) {
    marker = std::max(marker, sym.size / 2);
    stroke = std::max(stroke, sym.stroke_width / 2);
  };
  take(s.symbol);
  for (const auto& r : s.rules) take(r.symbol);
  if (s.kind == style::StyleKind::proportional) marker = std::max(marker, s.max_size / 2);
}

void check_view(const render::MapView& view, const MapSettings& settings) {
  if (view.width < 1 || view.height < 1 || view.width > settings.max_width ||
      view.height > settings.max_height ||
      static_cast<std::int64_t>(view.width) * view.height > settings.max_pixels)
    throw InvalidInput("size-too-large",
                       fmt::format("A map is 1 to {} pixels wide, 1 to {} high and at most {} "
                                   "pixels in all.",
                                   settings.max_width, settings.max_height, settings.max_pixels),
                       view.width < 1 || view.width > settings.max_width ? "width" : "height");
  if (view.bbox.empty() || !(view.bbox.max_x > view.bbox.min_x) ||
      !(view.bbox.max_y > view.bbox.min_y))
    throw InvalidInput("invalid-bbox", "The map's bounding box has no area.", "bbox");
}

}  // namespace

struct MapService::State {
  std::mutex mutex;
  // (dataset id, version, style name, json digest) -> the classified style.
  std::map<std::string, style::Style, std::less<>> classified;
  // Tiles being built, by cache path: later requests for one wait for it.
  std::map<std::string, std::shared_future<std::shared_ptr<const std::string>>, std::less<>>
      building;
};

MapService::MapService(storage::Store& store, MapSettings settings,
                       std::shared_ptr<tiles::TileCache> cache)
    : store_(store),
      settings_(std::move(settings)),
      cache_(std::move(cache)),
      state_(std::make_shared<State>()) {}

// --- Styles ----------------------------------------------------------------------------------

std::vector<Value> MapService::sample_values(const storage::DatasetInfo& ds,
                                             const std::string& field) {
  std::vector<Value> values;
  auto index = ds.schema.find(field);
  if (!index) return values;
  storage::FeatureQuery q;
  q.with_geometry = false;
  q.fields = {*index};
  // Every k-th row of one pass over the dataset rather than its first rows, which are often
  // sorted by some attribute.
  const std::int64_t stride =
      std::max<std::int64_t>(1, (ds.feature_count + max_sampled_values - 1) / max_sampled_values);
  auto cursor = store_.query(ds, q);
  Feature f;
  for (std::int64_t row = 0; cursor->next(f); ++row)
    if (row % stride == 0) values.push_back(f.properties[*index]);
  return values;
}

style::Style MapService::classified(const storage::DatasetInfo& ds, style::Style s,
                                    std::string_view json_digest) {
  std::string key = fmt::format("{}\n{}\n{}\n{}", ds.id, ds.version, s.name, json_digest);
  {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->classified.find(key); it != state_->classified.end()) return it->second;
  }
  if (s.rules.empty() && s.kind != style::StyleKind::single && !s.field.empty())
    style::classify(s, sample_values(ds, s.field));
  std::lock_guard lock(state_->mutex);
  if (state_->classified.size() >= max_cached_styles) state_->classified.clear();
  state_->classified.emplace(std::move(key), s);
  return s;
}

style::Style MapService::parse_stored(const storage::StoredStyle& stored) {
  try {
    style::Style s = style::parse_style(stored.json);
    s.name = stored.name;
    return s;
  } catch (const Error& e) {
    // Not the client's fault: the document was validated when it was stored.
    log::error("maps: style '{}' of dataset '{}' is unreadable: {}", stored.name, stored.dataset_id,
               e.what());
    throw InternalError("style-unreadable", "A stored style of this dataset cannot be read.");
  }
}

std::vector<style::Style> MapService::styles(const storage::DatasetInfo& ds) {
  std::vector<style::Style> out;
  bool stored_default = false;
  std::vector<style::Style> others;
  for (const auto& stored : store_.list_styles(ds.id)) {
    style::Style s;
    try {
      s = parse_stored(stored);
    } catch (const Error&) {
      continue;  // left out of the list rather than failing it (logged)
    }
    auto c = classified(ds, std::move(s), hex64(tiles::fnv1a64(stored.json)));
    if (stored.name == "default") {
      stored_default = true;
      out.insert(out.begin(), std::move(c));
    } else {
      others.push_back(std::move(c));
    }
  }
  if (!stored_default) {
    auto d = style::default_style(ds.id, ds.geometry_type, ds.schema);
    auto digest = hex64(tiles::fnv1a64(style::to_json(d)));
    out.insert(out.begin(), classified(ds, std::move(d), digest));
  }
  for (auto& s : others) out.push_back(std::move(s));
  return out;
}

style::Style MapService::style(const storage::DatasetInfo& ds, std::string_view name) {
  if (auto stored = store_.find_style(ds.id, name)) {
    style::Style s = parse_stored(*stored);
    return classified(ds, std::move(s), hex64(tiles::fnv1a64(stored->json)));
  }
  if (name == "default") {
    auto d = style::default_style(ds.id, ds.geometry_type, ds.schema);
    auto digest = hex64(tiles::fnv1a64(style::to_json(d)));
    return classified(ds, std::move(d), digest);
  }
  throw NotFound("unknown-style",
                 fmt::format("Dataset '{}' has no style '{}'.", ds.id,
                             valid_style_name(name) ? name : std::string_view("(invalid name)")),
                 "style");
}

style::Style MapService::save_style(const storage::DatasetInfo& ds, style::Style s,
                                    bool create_only, std::string_view user) {
  if (!valid_style_name(s.name))
    throw InvalidInput("invalid-style",
                       "A style name is 1 to 64 lower-case letters, digits, '_' or '-'.", "/name");
  style::validate(s, ds.schema, ds.geometry_type);
  // "default" always exists (generated until one is stored).
  if (create_only && (s.name == "default" || store_.find_style(ds.id, s.name)))
    throw Conflict("style-exists",
                   fmt::format("Dataset '{}' already has a style '{}'.", ds.id, s.name));
  storage::StoredStyle stored;
  stored.dataset_id = ds.id;
  stored.name = s.name;
  // Stored as given: classes computed from the data are recomputed for each version.
  stored.json = style::to_json(s);
  stored.updated_by = std::string(user);
  stored.updated = now();
  store_.save_style(stored);
  return classified(ds, std::move(s), hex64(tiles::fnv1a64(stored.json)));
}

void MapService::delete_style(const storage::DatasetInfo& ds, std::string_view name) {
  if (store_.delete_style(ds.id, name)) return;
  if (name == "default") return;  // the generated one stays
  throw NotFound("unknown-style",
                 fmt::format("Dataset '{}' has no style '{}'.", ds.id,
                             valid_style_name(name) ? name : std::string_view("(invalid name)")),
                 "style");
}

// --- Tiles -----------------------------------------------------------------------------------

void MapService::check_layers(std::size_t count) const {
  if (count == 0)
    throw InvalidInput("no-layers", "A map or tile needs at least one dataset.", "layers");
  if (count > static_cast<std::size_t>(settings_.max_layers))
    throw InvalidInput(
        "too-many-layers",
        fmt::format("A map or tile shows at most {} datasets.", settings_.max_layers), "layers");
}

tiles::TileKey MapService::vector_tile_key(std::span<const tiles::VectorTileLayer> layers,
                                           const tiles::TileAddress& tile,
                                           const std::optional<Interval>& time) const {
  tiles::TileKey key;
  std::string fields;
  bool any_fields = false;
  for (const auto& l : layers) {
    key.datasets.emplace_back(l.dataset.id, l.dataset.version);
    fields += ';';
    for (const auto& f : l.fields) {
      fields += f;
      fields += ',';
      any_fields = true;
    }
  }
  key.tile_matrix_set = tile.set->id;
  key.tile_matrix = tile.matrix->id;
  key.col = tile.col;
  key.row = tile.row;
  key.format = "pbf";
  key.variant = time_variant(time);
  if (any_fields) key.variant += "|fields" + fields;
  return key;
}

tiles::TileKey MapService::raster_tile_key(std::span<const render::RenderLayer> layers,
                                           const tiles::TileAddress& tile,
                                           render::ImageFormat format, bool transparent) const {
  tiles::TileKey key;
  std::string names, styles, times;
  bool any_time = false;
  for (const auto& l : layers) {
    key.datasets.emplace_back(l.dataset.id, l.dataset.version);
    if (!names.empty()) names += ',';
    names += l.style.name;
    styles += style::to_json(l.style);
    styles += '\n';
    times += time_variant(l.time) + ";";
    any_time = any_time || l.time.has_value();
  }
  key.style = names + "@" + hex64(tiles::fnv1a64(styles));
  key.tile_matrix_set = tile.set->id;
  key.tile_matrix = tile.matrix->id;
  key.col = tile.col;
  key.row = tile.row;
  key.format = std::string(render::file_extension(format));
  key.variant = transparent ? "" : "opaque";
  if (any_time) key.variant += "|time=" + times;
  return key;
}

std::shared_ptr<const std::string> MapService::build_once(
    const tiles::TileKey& key, const std::function<std::string()>& build) {
  using Bytes = std::shared_ptr<const std::string>;
  const std::string id = key.relative_path() + '\n' + key.variant;
  std::promise<Bytes> promise;
  {
    std::unique_lock lock(state_->mutex);
    if (auto it = state_->building.find(id); it != state_->building.end()) {
      auto pending = it->second;
      lock.unlock();
      return pending.get();
    }
    state_->building.emplace(id, promise.get_future().share());
  }
  auto finish = [&] {
    std::lock_guard lock(state_->mutex);
    state_->building.erase(id);
  };
  try {
    // A builder that finished between the caller's cache miss and our entry stored its tile
    // before removing its entry, so the cache has it now.
    if (cache_) {
      if (auto cached = cache_->get(key, false)) {
        finish();
        promise.set_value(cached);
        return cached;
      }
    }
    auto bytes = std::make_shared<const std::string>(build());
    // Stored before the entry goes, so that a request arriving in between finds it cached.
    if (cache_) cache_->put(key, bytes);
    finish();
    promise.set_value(bytes);
    return bytes;
  } catch (...) {
    finish();
    promise.set_exception(std::current_exception());
    throw;
  }
}

TileResult MapService::vector_tile(std::span<const tiles::VectorTileLayer> layers,
                                   const tiles::TileAddress& tile,
                                   const std::optional<Interval>& time) {
  check_layers(layers.size());
  auto key = vector_tile_key(layers, tile, time);
  TileResult r;
  r.content_type = std::string(mvt_type);
  r.etag = "\"" + key.digest() + "\"";
  if (cache_) {
    if ((r.bytes = cache_->get(key))) {
      r.from_cache = true;
      return r;
    }
  }
  r.bytes = build_once(key, [&] {
    auto options = settings_.vector_tiles;
    options.time = time;
    return tiles::build_vector_tile(store_, layers, tile, options);
  });
  return r;
}

TileResult MapService::raster_tile(std::span<const render::RenderLayer> layers,
                                   const tiles::TileAddress& tile, render::ImageFormat format,
                                   bool transparent) {
  check_layers(layers.size());
  auto key = raster_tile_key(layers, tile, format, transparent);
  TileResult r;
  r.content_type = std::string(render::mime_type(format));
  r.etag = "\"" + key.digest() + "\"";
  if (cache_) {
    if ((r.bytes = cache_->get(key))) {
      r.from_cache = true;
      return r;
    }
  }
  r.bytes = build_once(key, [&] {
    render::MapView view;
    view.bbox = tile.set->tile_envelope(*tile.matrix, tile.col, tile.row);
    view.crs = tile.set->crs;
    view.width = tile.matrix->tile_width;
    view.height = tile.matrix->tile_height;
    view.buffer = settings_.tile_render_buffer;
    render::RenderOptions options;
    options.transparent = transparent;
    return render::encode(render::render_map(store_, view, layers, options), format);
  });
  return r;
}

// --- Maps, feature info, legends -------------------------------------------------------------

std::string MapService::map_image(const render::MapView& view,
                                  std::span<const render::RenderLayer> layers,
                                  render::ImageFormat format,
                                  const render::RenderOptions& options) {
  check_view(view, settings_);
  check_layers(layers.size());
  auto image = render::render_map(store_, view, layers, options);
  return render::encode(
      image, format, 85,
      options.transparent ? style::Color{255, 255, 255, 255} : options.background);
}

std::vector<FeatureHit> MapService::feature_info(const render::MapView& view,
                                                 std::span<const render::RenderLayer> layers, int i,
                                                 int j, int max_features, int tolerance) {
  check_view(view, settings_);
  check_layers(layers.size());
  if (i < 0 || i >= view.width)
    throw InvalidInput("invalid-point", "The pixel column is outside the map.", "i");
  if (j < 0 || j >= view.height)
    throw InvalidInput("invalid-point", "The pixel row is outside the map.", "j");
  tolerance = std::clamp(tolerance, 0, 64);
  std::vector<FeatureHit> out;
  if (max_features <= 0) return out;

  PixelSpace px{view.bbox, (view.bbox.max_x - view.bbox.min_x) / view.width,
                (view.bbox.max_y - view.bbox.min_y) / view.height};
  const Pixel p{i + 0.5, j + 0.5};
  const auto& platform = datum::platform_crs();
  auto to_platform = datum::transformer(view.crs, platform);
  auto to_view = datum::transformer(platform, view.crs);
  const double zoom = view.zoom();

  // The last layer is drawn on top: it answers first.
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    const auto& s = layer->style;
    if (zoom < s.min_zoom || zoom > s.max_zoom) continue;  // not drawn at this scale
    double marker = 0, stroke = 0;
    symbol_reach(s, marker, stroke);
    const double point_reach = std::max<double>(tolerance, marker);
    const double line_reach = tolerance + stroke;
    const double reach = std::max(point_reach, line_reach) + 1;
    Envelope box = Envelope::of(
        view.bbox.min_x + (p.x - reach) * px.res_x, view.bbox.max_y - (p.y + reach) * px.res_y,
        view.bbox.min_x + (p.x + reach) * px.res_x, view.bbox.max_y - (p.y - reach) * px.res_y);
    storage::FeatureQuery q;
    try {
      q.bbox = to_platform->transform(box);
    } catch (const Error&) {
      continue;  // the point has no image in the platform datum
    }
    q.time = layer->time;
    q.limit = max_info_candidates;
    std::vector<Feature> found;
    auto cursor = store_.query(layer->dataset, q);
    Feature f;
    while (cursor->next(f)) {
      if (f.wkb.empty()) continue;
      try {
        auto g = geo::from_wkb(f.wkb);
        if (!to_view->is_identity()) to_view->transform(g);
        if (hits(g, px, p, point_reach, line_reach)) found.push_back(f);
      } catch (const Error&) {
        continue;  // outside the view CRS's domain, or unreadable
      }
    }
    // Within a layer, later features are drawn over earlier ones.
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
      out.push_back(FeatureHit{layer->dataset.id, layer->dataset.schema, std::move(*it)});
      if (static_cast<int>(out.size()) >= max_features) return out;
    }
  }
  return out;
}

std::string MapService::legend(const storage::DatasetInfo& ds, const style::Style& s,
                               render::ImageFormat format, int width, int height) {
  if (width < 0 || height < 0 || width > settings_.max_width || height > settings_.max_height)
    throw InvalidInput("size-too-large",
                       fmt::format("A legend is at most {} x {} pixels.", settings_.max_width,
                                   settings_.max_height),
                       width < 0 || width > settings_.max_width ? "width" : "height");
  return render::encode(render::render_legend(s, ds.geometry_type, width, height), format);
}

// --- Seeding ---------------------------------------------------------------------------------

SeedReport MapService::seed(const SeedRequest& request,
                            const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (!request.set)
    throw InvalidInput("unknown-tile-matrix-set", "Seeding needs a tile matrix set.", "tms");
  const auto& set = *request.set;
  const auto& ds = request.dataset;
  std::optional<render::ImageFormat> image;
  if (request.format != "pbf") {
    image = render::image_format_from_string(request.format);
    if (!image) throw InvalidInput("invalid-format", "Tiles are pbf, png, jpeg or webp.", "format");
  } else if (!request.style.empty()) {
    throw InvalidInput("invalid-format", "A style is drawn into png, jpeg or webp tiles.",
                       "format");
  }
  if (request.min_level > request.max_level)
    throw InvalidInput("invalid-level", "The first level is above the last.", "from");
  for (int z : {request.min_level, request.max_level})
    if (!set.find_level(z))
      throw InvalidInput("invalid-level",
                         fmt::format("{} has levels {} to {}.", set.id, set.matrices.front().level,
                                     set.matrices.back().level),
                         z == request.min_level ? "from" : "to");

  struct Range {
    const tiles::TileMatrix* m;
    std::int64_t c0, c1, r0, r1;
  };
  std::vector<Range> ranges;
  SeedReport report;
  if (!ds.extent.empty()) {
    double x0 = ds.extent.min_x, y0 = ds.extent.min_y, x1 = ds.extent.max_x, y1 = ds.extent.max_y;
    tiles::project_lonlat(set, x0, y0);
    tiles::project_lonlat(set, x1, y1);
    for (int z = request.min_level; z <= request.max_level; ++z) {
      const auto* m = set.find_level(z);
      const double tw = m->cell_size * m->tile_width, th = m->cell_size * m->tile_height;
      auto clamp_col = [&](double v) {
        return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(v)), 0,
                                        m->matrix_width - 1);
      };
      auto clamp_row = [&](double v) {
        return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(v)), 0,
                                        m->matrix_height - 1);
      };
      Range r{m, clamp_col((x0 - m->origin_x) / tw), clamp_col((x1 - m->origin_x) / tw),
              clamp_row((m->origin_y - y1) / th), clamp_row((m->origin_y - y0) / th)};
      report.tiles += (r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1);
      if (report.tiles > max_seed_tiles)
        throw InvalidInput("too-many-tiles",
                           fmt::format("Seeding is limited to {} tiles at a time; choose fewer "
                                       "levels.",
                                       max_seed_tiles),
                           "to");
      ranges.push_back(r);
    }
  }

  std::vector<tiles::VectorTileLayer> vector_layers{tiles::VectorTileLayer{ds, {}}};
  std::vector<render::RenderLayer> raster_layers;
  if (image)
    raster_layers.push_back(
        render::RenderLayer{ds, style(ds, request.style.empty() ? "default" : request.style), {}});
  // The adapters ask for transparent tiles in every format but JPEG: seed what they ask for.
  const bool transparent = image && *image != render::ImageFormat::jpeg;

  std::int64_t done = 0;
  for (const auto& r : ranges) {
    for (std::int64_t row = r.r0; row <= r.r1; ++row) {
      for (std::int64_t col = r.c0; col <= r.c1; ++col) {
        tiles::TileAddress address{&set, r.m, col, row};
        if (!image) {
          auto t = vector_tile(vector_layers, address, std::nullopt);
          if (t.from_cache)
            ++report.cached;
          else if (t.bytes->empty())
            ++report.empty;
          else
            ++report.built;
        } else if (cache_ &&
                   cache_->get(raster_tile_key(raster_layers, address, *image, transparent))) {
          ++report.cached;
        } else {
          // Tiles with nothing in reach (the render buffer included) are left to be drawn on
          // demand: blank tiles are cheap and need no disk.
          auto e = set.tile_envelope_lonlat(*r.m, col, row);
          const double bx = (e.max_x - e.min_x) * settings_.tile_render_buffer / r.m->tile_width,
                       by = (e.max_y - e.min_y) * settings_.tile_render_buffer / r.m->tile_height;
          storage::FeatureQuery q;
          q.bbox = Envelope::of(e.min_x - bx, e.min_y - by, e.max_x + bx, e.max_y + by);
          if (store_.count(ds, q) == 0) {
            ++report.empty;
          } else {
            raster_tile(raster_layers, address, *image, transparent);
            ++report.built;
          }
        }
        ++done;
        if (progress) progress(done, report.tiles);
      }
    }
  }
  return report;
}

void MapService::dataset_changed(std::string_view dataset_id,
                                 std::optional<std::int64_t> current_version) {
  if (cache_) cache_->purge_dataset(dataset_id, current_version.value_or(-1));
  std::lock_guard lock(state_->mutex);
  const std::string prefix = std::string(dataset_id) + "\n";
  auto it = state_->classified.lower_bound(prefix);
  while (it != state_->classified.end() && it->first.compare(0, prefix.size(), prefix) == 0)
    it = state_->classified.erase(it);
}

void MapService::prune_cache() {
  if (!cache_) return;
  std::vector<std::pair<std::string, std::int64_t>> live;
  for (const auto& ds : store_.list_datasets()) live.emplace_back(ds.id, ds.version);
  cache_->retain(live);
}

tiles::TileCacheStats MapService::cache_stats() const {
  return cache_ ? cache_->stats() : tiles::TileCacheStats{};
}

}  // namespace shikong::maps
