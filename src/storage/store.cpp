// Names of the storage enums, as stored in catalogs and shown in the API.
#include "storage/store.hpp"

namespace shikong::storage {

std::string_view to_string(DatasetKind k) {
  switch (k) {
    case DatasetKind::vector:
      return "vector";
    case DatasetKind::raster:
      return "raster";
    case DatasetKind::stream:
      return "stream";
  }
  return "vector";
}

std::optional<DatasetKind> dataset_kind_from_string(std::string_view s) {
  for (auto k : {DatasetKind::vector, DatasetKind::raster, DatasetKind::stream})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string_view to_string(JobState s) {
  switch (s) {
    case JobState::queued:
      return "queued";
    case JobState::running:
      return "running";
    case JobState::succeeded:
      return "succeeded";
    case JobState::failed:
      return "failed";
  }
  return "queued";
}

std::optional<JobState> job_state_from_string(std::string_view s) {
  for (auto j : {JobState::queued, JobState::running, JobState::succeeded, JobState::failed})
    if (to_string(j) == s) return j;
  return std::nullopt;
}

}  // namespace shikong::storage
