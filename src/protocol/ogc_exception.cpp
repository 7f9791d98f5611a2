// OGC exception report encoders.
#include "protocol/ogc_exception.hpp"

#include "protocol/problem.hpp"
#include "protocol/xml_escape.hpp"

namespace shikong::protocol {
namespace {

// The one ows:Exception of a report and the report's end (OWS 1.0, 1.1 and 2.0 agree on it).
void append_ows_exception(std::string& out, std::string_view code, std::string_view locator,
                          std::string_view text) {
  out += R"(  <ows:Exception exceptionCode=")";
  append_xml_escaped(out, code);
  out += '"';
  if (!locator.empty()) {
    out += R"( locator=")";
    append_xml_escaped(out, locator);
    out += '"';
  }
  out += ">\n";
  if (!text.empty()) {
    out += "    <ows:ExceptionText>";
    append_xml_escaped(out, text);
    out += "</ows:ExceptionText>\n";
  }
  out += "  </ows:Exception>\n</ows:ExceptionReport>\n";
}

}  // namespace

std::string_view ows_exception_code(const Error& e) {
  const std::string& c = e.code();
  if (c == "missing-parameter") return ows_code::missing_parameter_value;
  if (c == "operation-not-supported") return ows_code::operation_not_supported;
  if (c == "version-negotiation-failed") return ows_code::version_negotiation_failed;
  if (c == "tile-out-of-range") return ows_code::tile_out_of_range;
  switch (e.kind()) {
    case ErrorKind::invalid_input:
    case ErrorKind::not_found:
    case ErrorKind::unsupported:
      return ows_code::invalid_parameter_value;
    default:
      return ows_code::no_applicable_code;
  }
}

std::string ows_exception_report(std::string_view code, std::string_view locator,
                                 std::string_view text, std::string_view version) {
  std::string out;
  out.reserve(512 + text.size());
  out += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/2.0" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/ows/2.0 )"
         R"(http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd" version=")";
  append_xml_escaped(out, version);
  out += R"(" xml:lang="en">)"
         "\n";
  append_ows_exception(out, code, locator, text);
  return out;
}

std::string ows10_exception_report(std::string_view code, std::string_view locator,
                                   std::string_view text, std::string_view version) {
  std::string out;
  out.reserve(512 + text.size());
  out += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/ows )"
         R"(http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd" version=")";
  append_xml_escaped(out, version);
  out += R"(" language="en">)"
         "\n";
  append_ows_exception(out, code, locator, text);
  return out;
}

std::string wms_exception_report(std::string_view code, std::string_view locator,
                                 std::string_view text) {
  std::string out;
  out.reserve(512 + text.size());
  out += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/ogc )"
         R"(http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">)"
         "\n"
         R"(  <ServiceException code=")";
  append_xml_escaped(out, code);
  out += '"';
  if (!locator.empty()) {
    out += R"( locator=")";
    append_xml_escaped(out, locator);
    out += '"';
  }
  out += '>';
  append_xml_escaped(out, text);
  out += "</ServiceException>\n</ServiceExceptionReport>\n";
  return out;
}

Response ows_exception_response(const Error& e, std::string_view version) {
  return Response::text(
      ows_exception_report(ows_exception_code(e), e.parameter(), e.detail(), version),
      "application/xml; charset=UTF-8", http_status(e));
}

Response wms_exception_response(const Error& e) {
  return Response::text(wms_exception_report(ows_exception_code(e), e.parameter(), e.detail()),
                        "text/xml; charset=UTF-8", http_status(e));
}

Response ows10_exception_response(const Error& e, std::string_view version) {
  return Response::text(
      ows10_exception_report(ows_exception_code(e), e.parameter(), e.detail(), version),
      "application/xml; charset=UTF-8", http_status(e));
}

}  // namespace shikong::protocol
