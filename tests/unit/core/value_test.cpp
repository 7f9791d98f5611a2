#include "core/value.hpp"

#include <gtest/gtest.h>

#include "core/instant.hpp"

namespace shikong {

TEST(Date, CivilRoundTrip) {
  EXPECT_EQ(date_from_civil(1970, 1, 1).days, 0);
  EXPECT_EQ(date_from_civil(2000, 3, 1).days, 11017);
  EXPECT_EQ(format_date(date_from_civil(1961, 1, 1)), "1961-01-01");
  EXPECT_EQ(format_date(date_from_civil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(format_date(Date{-1}), "1969-12-31");
}

TEST(Interval, OverlapsWithOpenEnds) {
  Interval a{Instant{10}, Instant{20}};
  EXPECT_TRUE(a.overlaps(Interval{Instant{20}, std::nullopt}));
  EXPECT_FALSE(a.overlaps(Interval{Instant{21}, std::nullopt}));
  EXPECT_TRUE(a.overlaps(Interval{std::nullopt, Instant{10}}));
  EXPECT_FALSE(a.overlaps(Interval{std::nullopt, Instant{9}}));
  EXPECT_TRUE(a.overlaps(Interval{}));
}

TEST(FieldType, NamesRoundTrip) {
  for (auto t : {FieldType::integer, FieldType::real, FieldType::boolean, FieldType::text,
                 FieldType::date, FieldType::datetime})
    EXPECT_EQ(field_type_from_string(to_string(t)), t);
  EXPECT_FALSE(field_type_from_string("blob"));
}

}  // namespace shikong
