// RFC 9457 problem details built from an Error's code, our detail sentence and the parameter.
#include "protocol/problem.hpp"

#include <cmath>

#include "core/log.hpp"
#include "protocol/json_writer.hpp"

namespace shikong::protocol {
namespace {

Response make_problem(int status, std::string_view code, std::string_view detail,
                      std::string_view parameter, std::string_view instance) {
  JsonWriter w(256);
  w.begin_object();
  w.key("type").value(code.empty() ? std::string("about:blank")
                                   : "urn:shikong:error:" + std::string(code));
  w.key("title").value(reason_phrase(status));
  w.key("status").value(status);
  if (!detail.empty()) w.key("detail").value(detail);
  if (!instance.empty()) w.key("instance").value(instance);
  if (!code.empty()) w.key("code").value(code);
  if (!parameter.empty()) w.key("parameter").value(parameter);
  w.end_object();
  Response r = Response::text(w.take(), "application/problem+json", status);
  return r;
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input:
      return 400;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::forbidden:
      return 403;
    case ErrorKind::unauthorized:
      return 401;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::payload_too_large:
      return 413;
    case ErrorKind::unsupported:
      return 415;
    case ErrorKind::too_many_requests:
      return 429;
    case ErrorKind::unavailable:
      return 503;
    case ErrorKind::internal:
      return 500;
  }
  return 500;
}

int http_status(const Error& e) {
  if (e.kind() == ErrorKind::unsupported && e.code() == "not-acceptable") return 406;
  return http_status(e.kind());
}

Response problem_response(const Error& e, std::string_view instance) {
  auto r = make_problem(http_status(e), e.code(), e.detail(), e.parameter(), instance);
  if (e.retry_after_s() > 0)
    r.headers.set("Retry-After",
                  std::to_string(static_cast<long long>(std::ceil(e.retry_after_s()))));
  return r;
}

Response problem_response(int status, std::string_view code, std::string_view detail,
                          std::string_view parameter, std::string_view instance) {
  return make_problem(status, code, detail, parameter, instance);
}

Response internal_error_response(const std::exception_ptr& e) {
  try {
    if (e) std::rethrow_exception(e);
    log::error("internal error without an exception");
  } catch (const Error& err) {
    if (err.kind() != ErrorKind::internal) return problem_response(err);
    log::error("internal error {}: {}", err.code(), err.what());
  } catch (const std::exception& ex) {
    log::error("unhandled exception: {}", ex.what());
  } catch (...) {
    log::error("unhandled exception of unknown type");
  }
  return make_problem(500, "internal-error", "The server met an unexpected condition.", {}, {});
}

}  // namespace shikong::protocol
