// Feature info bodies. Hits of one layer are consecutive (the map engine answers layer by
// layer), so the HTML form writes one table per run of a layer.
#include "ogc/feature_info.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/ascii.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "ogc/feature_encoder.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/xml_escape.hpp"

namespace shikong::ogc {
namespace {

std::string info_json(const std::vector<maps::FeatureHit>& hits) {
  protocol::JsonWriter out(1024);
  out.begin_object();
  out.member("type", "FeatureCollection");
  out.key("features").begin_array();
  for (const auto& h : hits) {
    FeatureEncoder encoder(h.schema, datum::crs84());
    out.begin_object();
    encoder.write_members(out, h.feature);
    out.member("layer", h.dataset_id);  // a foreign member: which layer the feature is from
    out.end_object();
  }
  out.end_array();
  out.member("numberReturned", static_cast<std::int64_t>(hits.size()));
  out.end_object();
  return out.take();
}

std::string info_text(const std::vector<maps::FeatureHit>& hits) {
  if (hits.empty()) return "no features were found\n";
  std::string out;
  std::string_view layer;
  for (const auto& h : hits) {
    if (h.dataset_id != layer) {
      layer = h.dataset_id;
      out += fmt::format("Layer '{}'\n", h.dataset_id);
    }
    out += fmt::format("  Feature {}:\n", h.feature.id);
    const std::size_t n = std::min(h.schema.size(), h.feature.properties.size());
    for (std::size_t i = 0; i < n; ++i)
      out += fmt::format("    {} = '{}'\n", h.schema.fields[i].name,
                         datum::format_value(h.feature.properties[i]));
  }
  return out;
}

std::string info_html(const std::vector<maps::FeatureHit>& hits) {
  using protocol::append_xml_escaped;
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>GetFeatureInfo</title>"
      "</head><body>\n";
  if (hits.empty()) out += "<p>No features were found.</p>\n";
  std::size_t k = 0;
  while (k < hits.size()) {
    const std::string& layer = hits[k].dataset_id;
    const Schema& schema = hits[k].schema;
    out += "<table class=\"featureInfo\">\n<caption>";
    append_xml_escaped(out, layer);
    out += "</caption>\n<tr><th>id</th>";
    for (const auto& f : schema.fields) {
      out += "<th>";
      append_xml_escaped(out, f.name);
      out += "</th>";
    }
    out += "</tr>\n";
    for (; k < hits.size() && hits[k].dataset_id == layer; ++k) {
      out += fmt::format("<tr><td>{}</td>", hits[k].feature.id);
      const auto& props = hits[k].feature.properties;
      for (std::size_t i = 0; i < schema.size(); ++i) {
        out += "<td>";
        if (i < props.size()) append_xml_escaped(out, datum::format_value(props[i]));
        out += "</td>";
      }
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace

std::optional<InfoFormat> info_format_from_mime(std::string_view mime) {
  if (ascii_iequals(mime, "application/json")) return InfoFormat::json;
  if (ascii_iequals(mime, "text/html")) return InfoFormat::html;
  if (ascii_iequals(mime, "text/plain")) return InfoFormat::text;
  return std::nullopt;
}

protocol::Response feature_info_response(const std::vector<maps::FeatureHit>& hits,
                                         InfoFormat format) {
  switch (format) {
    case InfoFormat::json:
      return protocol::Response::text(info_json(hits), "application/json");
    case InfoFormat::html:
      return protocol::Response::text(info_html(hits), "text/html; charset=UTF-8");
    case InfoFormat::text:
      break;
  }
  return protocol::Response::text(info_text(hits), "text/plain; charset=UTF-8");
}

}  // namespace shikong::ogc
