#pragma once
// Internal: one SMTP connection (protocol state machine) and the state it shares with the
// Server that accepted it. Not part of the public interface; see server.hpp.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/deadline.hpp"
#include "net/listener.hpp"
#include "smtp/command.hpp"
#include "smtp/line_buffer.hpp"
#include "smtp/server.hpp"

namespace cis::smtp::detail {

class Session;

// Owned jointly by the Server and every live Session, so a session that outlives the Server
// object (it finishes after stop()) still has valid options and handler.
struct ServerShared {
    ServerShared(boost::asio::io_context& io, ServerOptions opts_, Handler& handler_)
        : opts(std::move(opts_)), handler(handler_), listener(io, "smtp", opts.max_connections) {}

    const ServerOptions opts;
    Handler& handler;
    std::optional<boost::asio::ssl::context> tls;  // set once by start(), then read-only
    net::Listener listener;
};

class Session : public net::Connection, public std::enable_shared_from_this<Session> {
  public:
    Session(std::shared_ptr<ServerShared> shared, boost::asio::ip::tcp::socket socket);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Runs the whole conversation; `self` keeps the session alive until it ends.
    // Must be co_spawned on executor().
    static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);
    // Thread-safe: the session says "421 4.3.2" and closes as soon as it is idle.
    void request_stop() override;
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }

  private:
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<void> serve();
    // I/O primitives; false/nullopt means the connection is over.
    boost::asio::awaitable<std::optional<Line>> read_line();
    boost::asio::awaitable<bool> fill();
    // Writes the queued replies within `timeout`; false when the peer is gone.
    boost::asio::awaitable<bool> write_out(Clock::duration timeout);
    boost::asio::awaitable<bool> flush();
    boost::asio::awaitable<void> goodbye(const Reply& r);
    void arm(Clock::duration d) { deadline_.arm(d); }
    void disarm() { deadline_.disarm(); }
    void close();

    // Command handlers; false means "close the connection after flushing replies".
    boost::asio::awaitable<bool> handle(const Command& cmd);
    void greet(const Command& cmd);
    bool mail(const Command& cmd);
    bool rcpt(const Command& cmd);
    boost::asio::awaitable<bool> data();
    boost::asio::awaitable<bool> starttls();
    boost::asio::awaitable<Reply> deliver(Envelope env, std::string message);

    void queue(const Reply& r, bool enhanced = true);
    bool client_error(const Reply& r);  // queues r; false once the client erred too often
    void reset_transaction();

    std::shared_ptr<ServerShared> shared_;
    const ServerOptions& opts_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::string remote_;

    // Every read/write arms it; on expiry the socket is cancelled.
    net::Deadline deadline_;
    bool stop_requested_ = false;

    LineBuffer in_;
    std::array<char, 16 * 1024> read_buf_;
    std::string out_;  // replies not yet written (PIPELINING: batched until we must read)

    // Protocol state.
    std::string helo_;  // empty until HELO/EHLO (and again after STARTTLS)
    bool esmtp_ = false;
    bool in_transaction_ = false;  // MAIL accepted
    Envelope env_;
    int errors_ = 0;
};

}  // namespace cis::smtp::detail
