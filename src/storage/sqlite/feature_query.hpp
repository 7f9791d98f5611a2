// FeatureQuery -> one prepared SELECT over a dataset's GeoPackage: R-tree joins for bbox (the
// x/y/time R-tree when time is also given), exact re-checks, and filter expressions translated
// with every value bound as a parameter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/connection_pool.hpp"
#include "storage/store.hpp"

namespace shikong::storage::sqlite {

struct SqlParam {
  enum class Kind { null, integer, real, text, blob };
  Kind kind = Kind::null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

struct SqlQuery {
  std::string sql;
  std::vector<SqlParam> params;
  std::vector<std::size_t> fields;  // schema indexes of the property columns selected
};

// `ds` must be the dataset's current catalog description (schema and time extent of the file).
// Throws InvalidInput for unknown fields, filters that are too deep or too large.
SqlQuery build_select(const DatasetInfo& ds, const FeatureQuery& q);
SqlQuery build_count(const DatasetInfo& ds, const FeatureQuery& q);

void bind_params(Stmt& stmt, const std::vector<SqlParam>& params);

std::unique_ptr<FeatureCursor> make_cursor(ConnectionPool::Lease lease, SqlQuery query,
                                           const DatasetInfo& ds, bool with_geometry);

}  // namespace shikong::storage::sqlite
