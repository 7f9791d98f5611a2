// DATE/DATETIME text and schema JSON of the embedded store.
#include "storage/sqlite/value_codec.hpp"

#include <gtest/gtest.h>

#include "storage/store.hpp"

namespace shikong::storage::sqlite {
namespace {

TEST(ValueCodec, DatetimeUsesMillisecondsWhenExact) {
  // 2024-02-29T12:34:56.789Z
  Instant t{1709210096789000};
  EXPECT_EQ(format_datetime(t), "2024-02-29T12:34:56.789Z");
  EXPECT_EQ(parse_datetime("2024-02-29T12:34:56.789Z"), t);
}

TEST(ValueCodec, DatetimeKeepsMicroseconds) {
  Instant t{1709210096789123};
  EXPECT_EQ(format_datetime(t), "2024-02-29T12:34:56.789123Z");
  EXPECT_EQ(parse_datetime(format_datetime(t)), t);
}

TEST(ValueCodec, DatetimeBeforeEpoch) {
  Instant t{-1};  // 1969-12-31T23:59:59.999999Z
  EXPECT_EQ(format_datetime(t), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(parse_datetime(format_datetime(t)), t);
  EXPECT_EQ(format_datetime(Instant{0}), "1970-01-01T00:00:00.000Z");
}

TEST(ValueCodec, DatetimeRejectsOtherText) {
  EXPECT_FALSE(parse_datetime("2024-02-29"));
  EXPECT_FALSE(parse_datetime("2024-02-29T12:34:56+08:00"));
  EXPECT_FALSE(parse_datetime("2024-13-01T00:00:00Z"));
  EXPECT_EQ(parse_datetime("2024-02-29T12:34:56Z"), Instant{1709210096000000});
}

TEST(ValueCodec, Date) {
  EXPECT_EQ(parse_date("2000-03-01"), date_from_civil(2000, 3, 1));
  EXPECT_FALSE(parse_date("2000-3-01"));
  EXPECT_FALSE(parse_date("2000-03-01T00"));
}

TEST(ValueCodec, SchemaJsonRoundTrip) {
  Schema s;
  s.fields = {{"名称", FieldType::text},     {"a\"b\\c\n", FieldType::integer},
              {"when", FieldType::datetime}, {"d", FieldType::date},
              {"ok", FieldType::boolean},    {"x", FieldType::real}};
  EXPECT_EQ(schema_from_json(schema_to_json(s)), s);
  EXPECT_EQ(schema_to_json(Schema{}), "[]");
}

TEST(StoreNames, EnumsRoundTrip) {
  for (auto k : {DatasetKind::vector, DatasetKind::raster, DatasetKind::stream})
    EXPECT_EQ(dataset_kind_from_string(to_string(k)), k);
  for (auto j : {JobState::queued, JobState::running, JobState::succeeded, JobState::failed})
    EXPECT_EQ(job_state_from_string(to_string(j)), j);
  EXPECT_FALSE(job_state_from_string("done"));
}

}  // namespace
}  // namespace shikong::storage::sqlite
