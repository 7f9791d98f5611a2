// The WMS 1.3.0 capabilities document: service, operations with their formats, exception
// formats, a root layer with the CRSs and one queryable child layer per dataset.
#include "ogc/wms_capabilities.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "ogc/wms_request.hpp"
#include "protocol/xml_escape.hpp"

namespace shikong::ogc::wms {
namespace {

using protocol::append_xml_escaped;

constexpr double kMercatorMaxLat = 85.0511287798;

void element(std::string& out, int indent, std::string_view name, std::string_view text) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += '<';
  out += name;
  out += '>';
  append_xml_escaped(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

void online_resource(std::string& out, int indent, std::string_view href) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += R"(<OnlineResource xlink:type="simple" xlink:href=")";
  append_xml_escaped(out, href);
  out += "\"/>\n";
}

// An operation (wms:OperationType): its formats and the one GET endpoint.
void operation(std::string& out, std::string_view name,
               std::initializer_list<std::string_view> formats, std::string_view href) {
  out += fmt::format("      <{}>\n", name);
  for (auto f : formats) element(out, 8, "Format", f);
  out += "        <DCPType>\n          <HTTP>\n            <Get>\n";
  online_resource(out, 14, href);
  out += "            </Get>\n          </HTTP>\n        </DCPType>\n";
  out += fmt::format("      </{}>\n", name);
}

void geographic_box(std::string& out, int indent, const Envelope& e) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  out += pad + "<EX_GeographicBoundingBox>\n";
  out += fmt::format("{}  <westBoundLongitude>{}</westBoundLongitude>\n", pad,
                     std::clamp(e.min_x, -180.0, 180.0));
  out += fmt::format("{}  <eastBoundLongitude>{}</eastBoundLongitude>\n", pad,
                     std::clamp(e.max_x, -180.0, 180.0));
  out += fmt::format("{}  <southBoundLatitude>{}</southBoundLatitude>\n", pad,
                     std::clamp(e.min_y, -90.0, 90.0));
  out += fmt::format("{}  <northBoundLatitude>{}</northBoundLatitude>\n", pad,
                     std::clamp(e.max_y, -90.0, 90.0));
  out += pad + "</EX_GeographicBoundingBox>\n";
}

// BoundingBox elements of `extent` in each CRS, in that CRS's axis order.
void bounding_boxes(std::string& out, int indent, const Envelope& extent,
                    const std::vector<datum::Crs>& crs) {
  for (const auto& c : crs) {
    auto b = extent_in(extent, c);
    if (!b) continue;
    double x0 = b->min_x, y0 = b->min_y, x1 = b->max_x, y1 = b->max_y;
    if (c.lat_first) {
      std::swap(x0, y0);
      std::swap(x1, y1);
    }
    out.append(static_cast<std::size_t>(indent), ' ');
    out += R"(<BoundingBox CRS=")";
    append_xml_escaped(out, wms_crs_name(c));
    out += fmt::format(R"(" minx="{}" miny="{}" maxx="{}" maxy="{}"/>)", x0, y0, x1, y1);
    out += '\n';
  }
}

}  // namespace

std::optional<Envelope> extent_in(const Envelope& extent, const datum::Crs& crs) {
  if (extent.empty()) return std::nullopt;
  Envelope e = extent;
  e.min_x = std::clamp(e.min_x, -180.0, 180.0);
  e.max_x = std::clamp(e.max_x, -180.0, 180.0);
  e.min_y = std::clamp(e.min_y, -90.0, 90.0);
  e.max_y = std::clamp(e.max_y, -90.0, 90.0);
  if (crs.epsg == 3857) {
    e.min_y = std::clamp(e.min_y, -kMercatorMaxLat, kMercatorMaxLat);
    e.max_y = std::clamp(e.max_y, -kMercatorMaxLat, kMercatorMaxLat);
  }
  if (crs.geographic) return e;  // CGCS2000, WGS 84 and CRS84 agree to the metre level
  try {
    return datum::transformer(datum::epsg(4490), crs)->transform(e);
  } catch (const Error& err) {
    log::debug("wms: no bounding box in {}: {}", crs.id, err.detail());
    return std::nullopt;
  }
}

std::string capabilities_xml(const CapabilitiesDocument& doc) {
  std::string out;
  out.reserve(8192 + doc.layers.size() * 2048);
  out += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" )"
         R"(xmlns:sld="http://www.opengis.net/sld" xmlns:xlink="http://www.w3.org/1999/xlink" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/wms )"
         R"(http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd )"
         R"(http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd">)"
         "\n";

  out += "  <Service>\n";
  element(out, 4, "Name", "WMS");
  element(out, 4, "Title", doc.title);
  if (!doc.abstract.empty()) element(out, 4, "Abstract", doc.abstract);
  online_resource(out, 4, doc.online_resource);
  element(out, 4, "Fees", "none");
  element(out, 4, "AccessConstraints", "none");
  element(out, 4, "LayerLimit", fmt::format("{}", doc.layer_limit));
  element(out, 4, "MaxWidth", fmt::format("{}", doc.max_width));
  element(out, 4, "MaxHeight", fmt::format("{}", doc.max_height));
  out += "  </Service>\n";

  out += "  <Capability>\n    <Request>\n";
  operation(out, "GetCapabilities", {"text/xml"}, doc.online_resource);
  operation(out, "GetMap", {"image/png", "image/jpeg", "image/webp"}, doc.online_resource);
  operation(out, "GetFeatureInfo", {"application/json", "text/html", "text/plain"},
            doc.online_resource);
  operation(out, "sld:GetLegendGraphic", {"image/png", "image/jpeg", "image/webp"},
            doc.online_resource);
  out += "    </Request>\n";
  out += "    <Exception>\n";
  for (auto f : {"XML", "INIMAGE", "BLANK"}) element(out, 6, "Format", f);
  out += "    </Exception>\n";

  // The root layer: a title only (not requestable), the CRSs every layer inherits and the
  // extent of all layers.
  Envelope all;
  for (const auto& l : doc.layers) all.extend(l.extent);
  if (all.empty()) all = Envelope::of(-180, -90, 180, 90);
  std::vector<datum::Crs> box_crs;
  for (const auto& c : doc.crs)
    if (c.geographic || c.epsg == 3857) box_crs.push_back(c);

  out += "    <Layer>\n";
  element(out, 6, "Title", doc.title);
  if (!doc.abstract.empty()) element(out, 6, "Abstract", doc.abstract);
  for (const auto& c : doc.crs) element(out, 6, "CRS", wms_crs_name(c));
  geographic_box(out, 6, all);
  bounding_boxes(out, 6, all, box_crs);

  std::vector<datum::Crs> layer_box_crs;
  for (const auto& c : doc.crs)
    if (c.epsg == 4490 || c.epsg == 3857) layer_box_crs.push_back(c);
  for (const auto& l : doc.layers) {
    out += fmt::format("      <Layer queryable=\"{}\" opaque=\"0\">\n", l.queryable ? 1 : 0);
    element(out, 8, "Name", l.name);
    element(out, 8, "Title", l.title.empty() ? l.name : l.title);
    if (!l.abstract.empty()) element(out, 8, "Abstract", l.abstract);
    if (!l.extent.empty()) {
      geographic_box(out, 8, l.extent);
      bounding_boxes(out, 8, l.extent, layer_box_crs);
    }
    if (l.time_extent && l.time_extent->start && l.time_extent->end) {
      const std::string start = datum::format_rfc3339_utc(*l.time_extent->start);
      const std::string end = datum::format_rfc3339_utc(*l.time_extent->end);
      const std::string extent = start == end ? start : start + "/" + end;
      // Without TIME every feature is drawn, so the default is the whole extent.
      out += R"(        <Dimension name="time" units="ISO8601" default=")";
      append_xml_escaped(out, extent);
      out += R"(" nearestValue="0">)";
      append_xml_escaped(out, extent);
      out += "</Dimension>\n";
    }
    for (const auto& s : l.styles) {
      out += "        <Style>\n";
      element(out, 10, "Name", s.name);
      element(out, 10, "Title", s.title.empty() ? s.name : s.title);
      if (!s.abstract.empty()) element(out, 10, "Abstract", s.abstract);
      if (!s.legend_url.empty()) {
        out += "          <LegendURL>\n";
        element(out, 12, "Format", "image/png");
        online_resource(out, 12, s.legend_url);
        out += "          </LegendURL>\n";
      }
      out += "        </Style>\n";
    }
    out += "      </Layer>\n";
  }
  out += "    </Layer>\n  </Capability>\n</WMS_Capabilities>\n";
  return out;
}

}  // namespace shikong::ogc::wms
