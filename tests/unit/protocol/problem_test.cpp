// problem+json bodies and OGC exception reports built from typed errors.
#include "protocol/problem.hpp"

#include <gtest/gtest.h>

#include "core/log.hpp"
#include "protocol/ogc_exception.hpp"

namespace shikong::protocol {
namespace {

TEST(Problem, InvalidInputBody) {
  const Response r = problem_response(
      InvalidInput("invalid-bbox", "The bbox has 3 numbers; it needs 4 or 6.", "bbox"),
      "/ogc/collections/roads/items");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.get("content-type").value(), "application/problem+json");
  EXPECT_EQ(r.body,
            R"({"type":"urn:shikong:error:invalid-bbox","title":"Bad Request","status":400,)"
            R"("detail":"The bbox has 3 numbers; it needs 4 or 6.",)"
            R"("instance":"/ogc/collections/roads/items","code":"invalid-bbox",)"
            R"("parameter":"bbox"})");
}

TEST(Problem, StatusPerKind) {
  EXPECT_EQ(http_status(ErrorKind::not_found), 404);
  EXPECT_EQ(http_status(ErrorKind::unauthorized), 401);
  EXPECT_EQ(http_status(ErrorKind::forbidden), 403);
  EXPECT_EQ(http_status(ErrorKind::conflict), 409);
  EXPECT_EQ(http_status(ErrorKind::payload_too_large), 413);
  EXPECT_EQ(http_status(ErrorKind::unsupported), 415);
  EXPECT_EQ(http_status(ErrorKind::unavailable), 503);
  EXPECT_EQ(http_status(ErrorKind::internal), 500);
  EXPECT_EQ(http_status(Unsupported("not-acceptable", "x")), 406);
  EXPECT_EQ(problem_response(NotFound("dataset-not-found", "No such dataset.")).body,
            R"({"type":"urn:shikong:error:dataset-not-found","title":"Not Found","status":404,)"
            R"("detail":"No such dataset.","code":"dataset-not-found"})");
}

TEST(Problem, WithoutCodeIsAboutBlank) {
  EXPECT_EQ(problem_response(405, "", "").body,
            R"({"type":"about:blank","title":"Method Not Allowed","status":405})");
}

TEST(Problem, InternalErrorHidesTheMessage) {
  std::string logged;
  log::set_sink([&](log::Level, std::string_view m) { logged = std::string(m); });
  const Response r = internal_error_response(
      std::make_exception_ptr(std::runtime_error("sqlite: disk I/O error at /secret/path")));
  log::set_sink({});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_NE(r.body.find(R"("code":"internal-error")"), std::string::npos);
  EXPECT_NE(logged.find("/secret/path"), std::string::npos);
  // A typed error that reached the generic path still gets its own status.
  EXPECT_EQ(internal_error_response(std::make_exception_ptr(NotFound("x", "y"))).status, 404);
}

TEST(OgcException, OwsReportEscapesAndCarriesLocator) {
  const std::string xml =
      ows_exception_report("InvalidParameterValue", "bbox", "bbox <a> & \"b\"\x01", "2.0.0");
  EXPECT_NE(xml.find(R"(<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/2.0")"),
            std::string::npos);
  EXPECT_NE(xml.find(R"(version="2.0.0")"), std::string::npos);
  EXPECT_NE(xml.find(R"(<ows:Exception exceptionCode="InvalidParameterValue" locator="bbox">)"),
            std::string::npos);
  EXPECT_NE(xml.find("<ows:ExceptionText>bbox &lt;a&gt; &amp; &quot;b&quot;\xEF\xBF\xBD"
                     "</ows:ExceptionText>"),
            std::string::npos);
}

TEST(OgcException, WmsReportFromError) {
  const Response r =
      wms_exception_response(InvalidInput("missing-parameter", "LAYERS is required.", "LAYERS"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.get("Content-Type").value(), "text/xml; charset=UTF-8");
  EXPECT_NE(
      r.body.find(R"(<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc")"),
      std::string::npos);
  EXPECT_NE(r.body.find(R"(<ServiceException code="MissingParameterValue" locator="LAYERS">)"
                        "LAYERS is required.</ServiceException>"),
            std::string::npos);
  EXPECT_EQ(ows_exception_code(InvalidInput("tile-out-of-range", "x")), "TileOutOfRange");
  EXPECT_EQ(ows_exception_code(Unavailable("x", "y")), "NoApplicableCode");
}

}  // namespace
}  // namespace shikong::protocol
