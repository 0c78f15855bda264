#pragma once
// Internal: the byte transport of one relay connection: TCP connect, writes, reading whole
// replies, STARTTLS, each bounded by a deadline. Knows nothing of the SMTP conversation.
// Not part of the public interface; see client.hpp.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "net/deadline.hpp"
#include "smtp/client_reply.hpp"

namespace cis::smtp::detail {

// All members run on one strand (the owning connection's). Every operation returns "" on
// success or a readable description of what went wrong ("timed out after 60 s", "connection
// closed by the server"); after a failure the transport is closed and may connect() again.
class ClientTransport {
  public:
    using Clock = std::chrono::steady_clock;

    explicit ClientTransport(boost::asio::any_io_executor strand);

    boost::asio::awaitable<std::string> connect(const std::string& host, unsigned short port,
                                                Clock::duration timeout);
    boost::asio::awaitable<std::string> write(std::string_view bytes, Clock::duration timeout);
    // One whole reply, or nullopt with `error` set (I/O trouble or a malformed reply).
    boost::asio::awaitable<std::optional<ServerReply>> read_reply(Clock::duration timeout,
                                                                  std::string& error);
    // Client side of a TLS handshake on the open connection. With `verify`, the chain must
    // lead to a CA of `ctx` and the certificate must name `host` (DNS name or IP address).
    boost::asio::awaitable<std::string> start_tls(boost::asio::ssl::context& ctx,
                                                  const std::string& host, bool verify,
                                                  Clock::duration timeout);
    void close();

    bool is_open() const { return socket_.is_open(); }
    bool encrypted() const { return tls_ != nullptr; }
    bool peer_is_loopback() const { return loopback_; }
    bool timed_out() const { return deadline_.expired(); }  // the last failure was a deadline

    // Starts enforcing deadlines until stop(); `owner` keeps whoever owns this transport
    // alive meanwhile.
    void start(std::shared_ptr<void> owner);
    void stop();  // closes and stops the deadline

  private:
    void arm(Clock::duration d) { deadline_.arm(d); }
    void disarm() { deadline_.disarm(); }
    std::string io_error(const boost::system::error_code& ec, Clock::duration timeout);

    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    bool loopback_ = false;

    net::Deadline deadline_;  // on expiry: the resolver and the socket are closed

    ReplyParser parser_;
    std::array<char, 16 * 1024> read_buf_;
};

}  // namespace cis::smtp::detail
