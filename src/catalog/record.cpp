// Names of the workflow states and the ISO 19115 code lists records draw their values from.
#include "catalog/record.hpp"

namespace shikong::catalog {

std::string_view to_string(RecordState s) {
  switch (s) {
    case RecordState::draft:
      return "draft";
    case RecordState::submitted:
      return "submitted";
    case RecordState::published:
      return "published";
    case RecordState::retired:
      return "retired";
  }
  return "draft";
}

std::optional<RecordState> record_state_from_string(std::string_view s) {
  for (RecordState r :
       {RecordState::draft, RecordState::submitted, RecordState::published, RecordState::retired})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

const std::vector<std::string_view>& topic_categories() {
  static const std::vector<std::string_view> codes = {"farming",
                                                      "biota",
                                                      "boundaries",
                                                      "climatologyMeteorologyAtmosphere",
                                                      "economy",
                                                      "elevation",
                                                      "environment",
                                                      "geoscientificInformation",
                                                      "health",
                                                      "imageryBaseMapsEarthCover",
                                                      "intelligenceMilitary",
                                                      "inlandWaters",
                                                      "location",
                                                      "oceans",
                                                      "planningCadastre",
                                                      "society",
                                                      "structure",
                                                      "transportation",
                                                      "utilitiesCommunication"};
  return codes;
}

const std::vector<std::string_view>& update_frequencies() {
  static const std::vector<std::string_view> codes = {
      "continual",  "daily",    "weekly",   "fortnightly", "monthly",    "quarterly",
      "biannually", "annually", "asNeeded", "irregular",   "notPlanned", "unknown"};
  return codes;
}

}  // namespace shikong::catalog
