// The metadata record of the directory service: what a dataset (or a harvested remote resource)
// is, who publishes it, under which licence, where and when it applies. Maps onto ISO 19115
// core, Dublin Core (CSW), DCAT and OGC API - Records; see docs/CATALOG.md for the mapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"

namespace shikong::catalog {

enum class RecordState { draft, submitted, published, retired };
std::string_view to_string(RecordState s);
std::optional<RecordState> record_state_from_string(std::string_view s);

struct Contact {
  std::string name;
  std::string organisation;
  std::string email;
  std::string phone;
  std::string role = "pointOfContact";  // ISO CI_RoleCode
};

struct Link {
  std::string href;
  std::string rel;   // "alternate", "describedby", "license", "service", "data", "related", ...
  std::string type;  // media type, may be empty
  std::string title;
  std::string protocol;  // "OGC:WMS", "OGC:WMTS", "OGC:WFS", "OGC API - Features", "download"...
};

// The ISO 19115 MD_TopicCategoryCode values, in the standard's order.
const std::vector<std::string_view>& topic_categories();
// ISO 19115 MD_MaintenanceFrequencyCode values.
const std::vector<std::string_view>& update_frequencies();

struct Record {
  std::string id;                // slug; equals dataset_id for a local dataset's record
  std::string type = "dataset";  // dataset | service | series | document (dc:type)
  std::string kind;  // local: vector | raster | stream; harvested: wms | wmts | wfs | csw | records
                     // | shikong
  std::string dataset_id;  // "" when the record describes no local dataset

  // Described by the publisher.
  std::string title;
  std::string abstract;
  std::vector<std::string> keywords;
  std::string topic;      // one of topic_categories(), or ""
  std::string publisher;  // organisation
  Contact contact;
  std::string licence;  // SPDX id ("CC-BY-4.0"), URL or short text
  std::string lineage;
  std::string update_frequency;   // one of update_frequencies(), or ""
  std::string language = "zh";    // BCP 47 ("zh", "en")
  std::string access = "public";  // public | registered | restricted | private (of the dataset)
  std::vector<Link> links;        // related links given by the publisher or the source

  // Filled from the data (never set by a client for a local dataset).
  std::optional<Envelope> extent;  // EPSG:4490, x = longitude
  std::optional<Interval> time_extent;
  std::string crs;                   // "EPSG:4490"
  std::string vertical_datum;        // "EPSG:5737" or ""
  std::int64_t feature_count = -1;   // -1: unknown
  std::vector<std::string> fields;   // "name:type", schema order
  std::vector<std::string> formats;  // offered: "GeoJSON", "GeoPackage", "CSV", "MVT", "WMS", ...
  std::string source_format;         // what the upload was

  // Workflow and bookkeeping (set by the catalog service, never by a client).
  RecordState state = RecordState::draft;
  std::string owner;
  std::string source_id;    // harvest source; "" for local records (harvested = read-only)
  std::string source_url;   // link back to the record at its source
  std::string external_id;  // identifier at the source (OGC API Records externalIds)
  Instant created;
  Instant updated;                   // last change of the record (metadata date, dct:modified)
  std::optional<Instant> published;  // first publication (dct:issued)
  std::int64_t version = 0;

  bool harvested() const { return !source_id.empty(); }
};

// The fields a client may set, each optional (absent: unchanged).
struct RecordPatch {
  std::optional<std::string> type, title, abstract, topic, publisher, licence, lineage,
      update_frequency, language, access;
  std::optional<std::vector<std::string>> keywords;
  std::optional<Contact> contact;
  std::optional<std::vector<Link>> links;
  // Only for records that describe no local dataset (registered by hand):
  std::optional<Envelope> extent;
  std::optional<Interval> time_extent;
};

// JSON document of a record (the stored form and the /api/v1 representation): every member of
// Record, extent as [minx,miny,maxx,maxy], time as ["start"|null,"end"|null] RFC 3339 UTC.
std::string to_json(const Record& record);
// Inverse of to_json; throws InvalidInput("invalid-record", ..., "/<json pointer>").
Record record_from_json(std::string_view json);
// A client's JSON object of RecordPatch members; unknown members, wrong types, a topic or update
// frequency outside the code lists, an access level outside the four, a title over 500
// characters, more than 100 keywords: InvalidInput("invalid-record", sentence, "/<pointer>").
RecordPatch parse_record_patch(std::string_view json);
// The same, also accepting an "id" member (POST /records), which is stored in `*id` when given;
// with id == nullptr "id" is an unknown member like any other.
RecordPatch parse_record_patch(std::string_view json, std::string* id);

}  // namespace shikong::catalog
