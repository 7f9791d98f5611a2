// The WMS 1.3.0 capabilities document (internal to ogc/), written from a plain description of
// the service and its layers so that it can be built and checked without a map engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "datum/crs.hpp"

namespace shikong::ogc::wms {

struct CapabilitiesStyle {
  std::string name;
  std::string title;
  std::string abstract;
  std::string legend_url;  // absolute; empty: no LegendURL
};

struct CapabilitiesLayer {
  std::string name;  // the dataset id
  std::string title;
  std::string abstract;
  Envelope extent;  // longitude/latitude degrees (the platform datum); empty: none known
  std::optional<Interval> time_extent;  // bounded at both ends when set
  std::vector<CapabilitiesStyle> styles;
  bool queryable = true;
};

struct CapabilitiesDocument {
  std::string title;
  std::string abstract;
  // The service endpoint for every operation, absolute, possibly with a query carrying
  // pass-through parameters ("http://host/ogc/wms" or "http://host/ogc/wms?tk=...").
  std::string online_resource;
  int max_width = 4096;
  int max_height = 4096;
  int layer_limit = 16;
  std::vector<datum::Crs> crs;  // offered by every layer (declared once, on the root layer)
  std::vector<CapabilitiesLayer> layers;
};

// WMS_Capabilities version 1.3.0 (namespace http://www.opengis.net/wms, schema
// capabilities_1_3_0.xsd; GetLegendGraphic as the SLD 1.1.0 extended operation
// sld:GetLegendGraphic, schema sld_capabilities.xsd). BoundingBox attributes follow the axis
// order of their CRS: for EPSG:4490 and EPSG:4326 minx is the minimum latitude.
std::string capabilities_xml(const CapabilitiesDocument& doc);

// Bounding box of `extent` (degrees) in a CRS, in GIS order; latitudes are clamped to
// +-85.0511287798 for EPSG:3857. nullopt when the transformation has no image.
std::optional<Envelope> extent_in(const Envelope& extent, const datum::Crs& crs);

}  // namespace shikong::ogc::wms
