// What the tile adapters (WMTS, OGC API - Tiles, XYZ /tiles) share: finding the datasets a
// caller may see, the headers of a tile response, tile indexes and the tiles an extent covers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "maps/map_service.hpp"
#include "ogc/maps_context.hpp"
#include "protocol/request.hpp"
#include "protocol/router.hpp"
#include "storage/store.hpp"
#include "tiles/tile_matrix_set.hpp"

namespace shikong::ogc {

inline constexpr std::string_view kMvtMediaType = "application/vnd.mapbox-vector-tile";

// The vector dataset `id` if it exists and the caller may read it; NotFound(code, ..., parameter)
// otherwise, the same answer for an unknown and a hidden dataset.
storage::DatasetInfo visible_dataset(const MapsContext& context, const protocol::Request& req,
                                     std::string_view id, std::string_view code,
                                     std::string_view parameter);
// Every vector dataset the caller may read, in the store's order.
std::vector<storage::DatasetInfo> visible_datasets(const MapsContext& context,
                                                   const protocol::Request& req);
// "a,b,c": each visible (NotFound "unknown-dataset" naming `parameter` otherwise); an empty item,
// a repeated id or more than the map settings' max_layers is InvalidInput("invalid-datasets").
std::vector<storage::DatasetInfo> dataset_list(const MapsContext& context,
                                               const protocol::Request& req, std::string_view text,
                                               std::string_view parameter);

// Splits on commas, keeping empty items ("a,,b" -> {"a", "", "b"}; "" -> {""}).
std::vector<std::string_view> split_commas(std::string_view text);

// Anyone may read it (its tiles may sit in shared caches).
bool is_public(const storage::DatasetInfo& ds);
bool has_valid_time(const storage::DatasetInfo& ds);

// Adds a GET route of the tiles route class (rate limits, quotas and service counts of tiles).
void add_tile_route(protocol::Router& router, std::string pattern, std::string summary,
                    std::string operation_id, protocol::Handler handler);

// A 200 response carrying the tile: its bytes (an empty tile is an empty body), Content-Type,
// ETag, Cache-Control (public, max-age=60 when every dataset is public; private otherwise) and
// X-Cache: hit or miss.
protocol::Response tile_response(const maps::TileResult& tile, bool all_public);

// A non-negative decimal integer (a tile matrix level, row or column); anything else is
// NotFound("tile-out-of-range", ..., parameter), as a tile that does not exist.
std::int64_t parse_tile_index(std::string_view text, std::string_view parameter);

// Finds a tile by level, column and row, naming the request's own parameters when it is outside
// the set: NotFound("tile-out-of-range", ..., level/col/row parameter).
tiles::TileAddress tile_at(const tiles::TileMatrixSet& set, std::string_view matrix_id,
                           std::int64_t col, std::int64_t row, std::string_view matrix_parameter,
                           std::string_view col_parameter, std::string_view row_parameter);

// The rectangle of tiles of `m` that an envelope in the platform datum (lon/lat) touches, for
// tile matrix set limits; nullopt when the envelope is empty.
struct TileRange {
  std::int64_t min_col = 0, max_col = 0, min_row = 0, max_row = 0;
  bool operator==(const TileRange&) const = default;
};
std::optional<TileRange> tile_range(const tiles::TileMatrixSet& set, const tiles::TileMatrix& m,
                                    const Envelope& lonlat);

// The dataset's extent in the platform datum, or the whole world when it has none.
Envelope extent_or_world(const storage::DatasetInfo& ds);

// The style names of a dataset, "default" first, without classifying them (cheap enough for
// capabilities documents), each with its title.
struct StyleName {
  std::string name;
  std::string title;
};
std::vector<StyleName> style_names(const MapsContext& context, const storage::DatasetInfo& ds);

}  // namespace shikong::ogc
