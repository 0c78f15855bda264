#pragma once
// Internal: Beast's HTTP/1.x parser, filling a cis::http::Request directly. Deriving from
// basic_parser (instead of using request_parser<string_body>) skips Beast's header container
// and its per-field allocations, and lets us decode the target once, while parsing.
#include <cstddef>
#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

#include "http/message.hpp"

namespace cis::http::detail {

// Beast reports header_limit when the request line plus fields exceed this: 431.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

// One parser per request (Beast parsers cannot be reset). Feed it with put(); when
// is_done(), take the request. Errors come back as Beast error codes (see error_response).
class RequestParser : public boost::beast::http::basic_parser<true> {
  public:
    RequestParser(std::size_t max_body, std::uint32_t max_header = kMaxHeaderBytes);

    Request take() { return std::move(req_); }
    // The client sent "Expect: 100-continue" (RFC 7231 section 5.1.1).
    bool expects_continue() const { return expect_continue_; }

  private:
    using error_code = boost::system::error_code;
    using string_view = boost::beast::string_view;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                         int version, error_code& ec) override;
    void on_response_impl(int, string_view, int, error_code&) override {}
    void on_field_impl(field f, string_view name, string_view value, error_code& ec) override;
    void on_header_impl(error_code& ec) override;
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    Request req_;
    bool has_host_ = false;
    bool has_transfer_encoding_ = false;
    bool expect_continue_ = false;
    bool in_trailer_ = false;
};

// The response for a request the parser rejected: 413 payload_too_large (body_limit),
// 431 header_too_large (header_limit), 400 bad_request otherwise.
Response error_response(const boost::system::error_code& ec, std::size_t max_body);

}  // namespace cis::http::detail
