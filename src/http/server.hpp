#pragma once
// HTTP/1.1 server (RFC 7230-7231 subset) on Boost.Beast's parser: keep-alive, pipelining
// (answered in order), HTTP/1.0, HEAD, chunked request bodies, Expect: 100-continue. The
// application plugs in through a Handler (see message.hpp; Router is one).
//
// Threading: run the io_context on as many threads as you like; each connection runs as a
// coroutine on its own strand. The handler runs on that strand and may respond inline (the
// fast path: no suspension, no thread hop) or later from any thread. Requests of one
// connection are handled one at a time, in order.
//
// Lifetime: the io_context and the handler must outlive every connection. Connections finish
// on their own after stop() (they need the io_context to keep running to do so), so the
// usual shutdown is: server.stop(); drop any work guard; join the io_context threads.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http/compression.hpp"
#include "http/message.hpp"

namespace cis::http {

struct ServerOptions {
    std::string host = "127.0.0.1";           // IP literal or resolvable name
    unsigned short port = 8080;               // 0 = pick a free one (see Server::port())
    std::size_t max_body = 10 * 1024 * 1024;  // beyond: 413 payload_too_large, then close
    std::size_t max_connections = 1000;       // beyond: 503 unavailable, then close
    std::chrono::seconds idle_timeout{60};    // keep-alive idle, and each read or write
    // A handler that has not responded by then: the client gets 503 timeout and the
    // connection closes (a late response is dropped). Bounds what a lost Respond can hold.
    std::chrono::seconds handler_timeout{60};
    std::string server_name = "cis";  // the Server header
    // gzip for clients that take it (see compression.hpp); level 0 turns it off.
    CompressionOptions compression;
    // Called (on the connection's strand) with what() when a handler throws; e.g. to log.
    std::function<void(const std::string&)> on_handler_error;
};

namespace detail {
struct ServerShared;
}

class Server {
  public:
    Server(boost::asio::io_context& io, ServerOptions opts, Handler handler);
    ~Server();  // calls stop()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, listens and starts accepting. Throws std::runtime_error with a readable message
    // ("http: cannot bind to 127.0.0.1:8080: Address already in use"). Call once; a stopped
    // server cannot be restarted (make a new one).
    void start();
    // The bound port; meaningful after start().
    unsigned short port() const { return port_; }
    // Stops accepting; idle connections close at once, a request in progress is answered
    // (with "Connection: close") and then its connection closes. Thread-safe, idempotent.
    void stop();
    // Number of connections currently open (rejected ones are not counted).
    std::size_t active_connections() const;

  private:
    std::shared_ptr<detail::ServerShared> shared_;
    unsigned short port_ = 0;
};

}  // namespace cis::http
