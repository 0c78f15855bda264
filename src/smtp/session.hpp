#pragma once
// Internal: one SMTP connection (protocol state machine) and the state it shares with the
// Server that accepted it. Not part of the public interface; see server.hpp.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "smtp/command.hpp"
#include "smtp/line_buffer.hpp"
#include "smtp/server.hpp"

namespace cis::smtp::detail {

class Session;

// Owned jointly by the Server and every live Session, so a session that outlives the Server
// object (it finishes after stop()) still has valid options and counters.
struct ServerShared {
    ServerShared(boost::asio::io_context& io_, ServerOptions opts_, Handler& handler_)
        : io(io_),
          opts(std::move(opts_)),
          handler(handler_),
          accept_strand(boost::asio::make_strand(io_)),
          acceptor(accept_strand) {}

    // Registers a new session unless stop() has begun; false means "close it".
    bool add(const std::shared_ptr<Session>& s);
    void remove(Session* s);

    boost::asio::io_context& io;
    const ServerOptions opts;
    Handler& handler;
    std::optional<boost::asio::ssl::context> tls;  // set once by start(), then read-only
    boost::asio::strand<boost::asio::io_context::executor_type> accept_strand;
    boost::asio::ip::tcp::acceptor acceptor;  // used on accept_strand only
    std::atomic<std::size_t> active{0};       // live sessions, for max_connections

    std::mutex mu;  // guards the two members below
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    bool stopping = false;
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(std::shared_ptr<ServerShared> shared, boost::asio::ip::tcp::socket socket);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Runs the whole conversation; `self` keeps the session alive until it ends.
    // Must be co_spawned on executor().
    static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);
    // Thread-safe: the session says "421 4.3.2" and closes as soon as it is idle.
    void request_stop();
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }

  private:
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<void> serve();
    boost::asio::awaitable<void> watchdog(std::shared_ptr<Session> self);
    // I/O primitives; false/nullopt means the connection is over.
    boost::asio::awaitable<std::optional<Line>> read_line();
    boost::asio::awaitable<bool> fill();
    // Writes the queued replies within `timeout`; false when the peer is gone.
    boost::asio::awaitable<bool> write_out(Clock::duration timeout);
    boost::asio::awaitable<bool> flush();
    boost::asio::awaitable<void> goodbye(const Reply& r);
    void arm(Clock::duration d);
    void disarm() { deadline_ = Clock::time_point::max(); }
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

    // Watchdog: every read/write arms a deadline; on expiry the socket is cancelled.
    boost::asio::steady_timer timer_;
    Clock::time_point deadline_ = Clock::time_point::max();
    bool timed_out_ = false;
    bool stop_requested_ = false;
    bool closed_ = false;

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
