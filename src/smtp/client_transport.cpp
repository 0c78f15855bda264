#include "smtp/client_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace cis::smtp::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string seconds(ClientTransport::Clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// OpenSSL's own verdict on the certificate ("self-signed certificate", "hostname mismatch")
// says far more than the handshake's generic "certificate verify failed".
std::string verify_detail(SSL* ssl) {
    const long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return "";
    return std::string(" (") + X509_verify_cert_error_string(result) + ")";
}

}  // namespace

ClientTransport::ClientTransport(asio::any_io_executor strand)
    : resolver_(strand), socket_(strand), deadline_(strand, [this] {
          // The pending operation fails and the caller sees timed_out(). Closing rather than
          // cancelling also stops a composed operation between two steps (async_write's next
          // chunk, async_connect's next address), which a cancel could miss.
          error_code ec;
          resolver_.cancel();
          socket_.close(ec);
      }) {}

void ClientTransport::start(std::shared_ptr<void> owner) {
    deadline_.start(std::move(owner));
}

void ClientTransport::stop() {
    deadline_.stop();
    close();
}

void ClientTransport::close() {
    error_code ec;
    tls_.reset();  // no close_notify: the caller has already said QUIT or given up on the peer
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    parser_ = ReplyParser();
    loopback_ = false;
}

std::string ClientTransport::io_error(const error_code& ec, Clock::duration timeout) {
    close();
    if (deadline_.expired()) return "timed out after " + seconds(timeout);
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        return "connection closed by the server";
    }
    return ec.message();
}

awaitable<std::string> ClientTransport::connect(const std::string& host, unsigned short port,
                                                Clock::duration timeout) {
    close();
    arm(timeout);
    error_code ec;
    tcp::resolver::results_type endpoints;
    const asio::ip::address literal = asio::ip::make_address(host, ec);
    if (!ec) {
        endpoints = tcp::resolver::results_type::create(tcp::endpoint(literal, port), host,
                                                        std::to_string(port));
    } else {
        ec.clear();
        endpoints = co_await resolver_.async_resolve(host, std::to_string(port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            disarm();
            if (deadline_.expired())
                co_return "resolving " + host + " timed out after " + seconds(timeout);
            co_return "cannot resolve " + host + ": " + ec.message();
        }
    }
    // Tries every address in turn (IPv6 and IPv4, several A records).
    const tcp::endpoint ep = co_await asio::async_connect(
        socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec || deadline_.expired()) co_return io_error(ec, timeout);
    loopback_ = ep.address().is_loopback();
    // SMTP alternates small writes and reads; Nagle's algorithm would hold back the tail of a
    // message until the server's delayed ACK (tens of milliseconds per message).
    socket_.set_option(tcp::no_delay(true), ec);
    co_return "";
}

awaitable<std::string> ClientTransport::write(std::string_view bytes, Clock::duration timeout) {
    if (!is_open()) co_return "not connected";
    arm(timeout);
    error_code ec;
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm();
    if (ec || deadline_.expired()) co_return io_error(ec, timeout);
    co_return "";
}

awaitable<std::optional<ServerReply>> ClientTransport::read_reply(Clock::duration timeout,
                                                                  std::string& error) {
    if (!is_open()) {
        error = "not connected";
        co_return std::nullopt;
    }
    // One deadline for the whole reply, so a server trickling bytes cannot stretch it.
    arm(timeout);
    while (true) {
        if (deadline_.expired()) {  // the deadline passed just as a read completed
            error = io_error(boost::asio::error::timed_out, timeout);
            co_return std::nullopt;
        }
        if (std::optional<ServerReply> reply = parser_.next()) {
            disarm();
            co_return reply;
        }
        if (parser_.malformed()) {
            disarm();
            error = "malformed reply: " + parser_.error();
            close();
            co_return std::nullopt;
        }
        error_code ec;
        std::size_t n = 0;
        if (tls_) {
            n = co_await tls_->async_read_some(asio::buffer(read_buf_),
                                               asio::redirect_error(asio::use_awaitable, ec));
        } else {
            n = co_await socket_.async_read_some(asio::buffer(read_buf_),
                                                 asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec) {
            disarm();
            error = io_error(ec, timeout);
            co_return std::nullopt;
        }
        parser_.feed(std::string_view(read_buf_.data(), n));
    }
}

awaitable<std::string> ClientTransport::start_tls(asio::ssl::context& ctx, const std::string& host,
                                                  bool verify, Clock::duration timeout) {
    if (!is_open()) co_return "not connected";
    // Whatever arrived after the 220 was sent in plaintext, before any protection: an attacker
    // may have injected it (RFC 3207 section 5; CVE-2011-0411 turned around).
    parser_.clear();
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, ctx);
    SSL* ssl = tls_->native_handle();
    error_code ec;
    (void)asio::ip::make_address(host, ec);
    const bool is_ip = !ec;
    if (!is_ip) SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI takes names only
    if (verify) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                             : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
        if (ok != 1) {
            close();
            co_return "cannot verify a certificate for '" + host + "'";
        }
        tls_->set_verify_mode(asio::ssl::verify_peer);
    } else {
        tls_->set_verify_mode(asio::ssl::verify_none);
    }
    arm(timeout);
    ec.clear();
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec || deadline_.expired()) {
        const std::string detail = verify ? verify_detail(ssl) : "";
        co_return io_error(ec, timeout) + detail;
    }
    co_return "";
}

}  // namespace cis::smtp::detail
