#pragma once
// Internal: one HTTP connection and the state it shares with the Server that accepted it.
// Not part of the public interface; see server.hpp.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/message.hpp"
#include "http/server.hpp"
#include "net/deadline.hpp"
#include "net/listener.hpp"

namespace cis::http::detail {

class Session;
class RequestParser;

// Owned jointly by the Server and every live Session, so a session that outlives the Server
// object (it finishes after stop()) still has valid options and handler.
struct ServerShared {
    ServerShared(boost::asio::io_context& io, ServerOptions opts_, Handler handler_)
        : opts(std::move(opts_)),
          handler(std::move(handler_)),
          listener(io, "http", opts.max_connections) {}

    const ServerOptions opts;
    const Handler handler;
    net::Listener listener;
};

class Session : public net::Connection, public std::enable_shared_from_this<Session> {
  public:
    Session(std::shared_ptr<ServerShared> shared, boost::asio::ip::tcp::socket socket);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Runs the whole connection; `self` keeps the session alive until it ends.
    // Must be co_spawned on executor().
    static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);
    // Thread-safe: an idle connection closes at once, a busy one after its response.
    void request_stop() override;
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }
    // What a Respond calls, from any thread: stores the response for request `gen`.
    void complete(std::uint64_t gen, Response r);

  private:
    using Clock = std::chrono::steady_clock;
    enum class Read { kRequest, kBad, kTimeout, kClosed };

    boost::asio::awaitable<void> serve();
    boost::asio::awaitable<Read> read_request(RequestParser& parser, boost::system::error_code& ec);
    // One read into in_; false when the connection is over (EOF, error, timeout, stop).
    boost::asio::awaitable<bool> fill(Clock::duration timeout);
    // Writes out_ within `timeout`; false when the peer is gone.
    boost::asio::awaitable<bool> flush(Clock::duration timeout);
    // Calls the handler and waits for its response; nullopt when the connection died
    // meanwhile. `gave_up`: no response within handler_timeout (a 503 is returned).
    boost::asio::awaitable<std::optional<Response>> call_handler(Request req, bool& gave_up);
    // The response for the current request if it has arrived; otherwise, with `wait`,
    // marks the coroutine as about to sleep on wake_.
    std::optional<Response> take_response(bool wait);
    // Sends what is queued, then shuts down our side; `drain` then reads (and drops) what
    // the client is still sending, so our last response is not lost to a TCP reset.
    boost::asio::awaitable<void> finish(Clock::duration write_timeout, bool drain);
    // For a last word to a client that may not be listening (errors, timeouts).
    Clock::duration goodbye_timeout() const;
    void queue(const Response& r, int version, bool keep_alive, bool head);
    void report(const std::string& what) noexcept;  // to opts_.on_handler_error
    void arm(Clock::duration d) { deadline_.arm(d); }
    void disarm() { deadline_.disarm(); }
    void close();

    std::shared_ptr<ServerShared> shared_;
    const ServerOptions& opts_;
    boost::asio::ip::tcp::socket socket_;
    std::string remote_;

    // Every read/write arms it; on expiry the socket is cancelled.
    net::Deadline deadline_;
    bool stop_requested_ = false;
    bool idle_ = false;  // waiting for the first byte of a request: stop() may cut it

    boost::beast::flat_buffer in_;
    std::string out_;  // responses not yet written (pipelining: batched until we must read)

    // The response slot for the request being handled; Respond may fill it from any thread.
    // A timer serves as the wake-up: complete() cancels it, and its expiry is the handler
    // timeout. gen_ and waiting_ are written on the strand only.
    std::mutex slot_mu_;
    std::uint64_t gen_ = 0;  // request number; a stale Respond carries an old one
    bool answered_ = false;  // for gen_: a response arrived (or we gave up waiting)
    bool waiting_ = false;   // the coroutine is suspended on wake_
    std::optional<Response> response_;
    boost::asio::steady_timer wake_;
};

}  // namespace cis::http::detail
