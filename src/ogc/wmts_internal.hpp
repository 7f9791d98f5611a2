// The parts of the WMTS adapter that unit tests reach directly: the capabilities document, the
// checks of a tile request's parameters and the OWS 1.1 exception report.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/instant.hpp"
#include "ogc/maps_context.hpp"
#include "protocol/request.hpp"
#include "storage/store.hpp"
#include "tiles/tile_matrix_set.hpp"

namespace shikong::ogc {

// The names errors cite: the KVP parameter names, or the RESTful template variables.
struct WmtsParameterNames {
  std::string_view layer = "LAYER";
  std::string_view style = "STYLE";
  std::string_view tile_matrix_set = "TILEMATRIXSET";
  std::string_view tile_matrix = "TILEMATRIX";
  std::string_view tile_row = "TILEROW";
  std::string_view tile_col = "TILECOL";
  std::string_view time = "TIME";
};

struct WmtsTileParameters {
  std::string_view layer, style, tile_matrix_set, tile_matrix, tile_row, tile_col;
  std::optional<std::string_view> time;
  WmtsParameterNames names;
};

struct WmtsTileRequest {
  storage::DatasetInfo dataset;
  std::string style;  // "default" for an empty STYLE
  tiles::TileAddress address;
  std::optional<Interval> time;
};

// Checks a tile request: the layer is visible (NotFound "unknown-layer"), the style, tile matrix
// set and tile matrix exist (InvalidInput "unknown-style", "unknown-tile-matrix-set",
// "unknown-tile-matrix"), row and column are integers ("invalid-parameter") inside the matrix
// (NotFound "tile-out-of-range"), TIME is an instant or interval ("invalid-datetime").
WmtsTileRequest parse_tile_request(const MapsContext& ctx, const protocol::Request& req,
                                   const WmtsTileParameters& p);

// The capabilities document for the caller (only the layers it may read).
std::string wmts_capabilities(const MapsContext& ctx, const protocol::Request& req);

// <ows:ExceptionReport> of OWS 1.1 (the namespace WMTS 1.0.0 uses), version 1.0.0.
std::string wmts_exception_report(std::string_view code, std::string_view locator,
                                  std::string_view text);
// The report for an Error. KVP: 400 for MissingParameterValue, InvalidParameterValue,
// TileOutOfRange and PointIJOutOfRange, 501 for OperationNotSupported; RESTful: 404 when the
// resource does not exist.
protocol::Response wmts_exception_response(const Error& e, bool rest);

}  // namespace shikong::ogc
