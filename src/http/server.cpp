#include "http/server.hpp"

#include <array>
#include <stdexcept>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/session.hpp"
#include "http/wire.hpp"
#include "net/listener.hpp"

namespace cis::http {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using detail::ServerShared;
using detail::Session;

namespace {

constexpr std::chrono::seconds kRejectTimeout{2};

// Over max_connections: answer 503 without creating a session, then read and drop what the
// client sent (closing on unread input would reset the connection and lose the answer).
awaitable<void> reject_busy(tcp::socket sock, std::string response) {
    asio::steady_timer deadline(sock.get_executor(), kRejectTimeout);
    // Runs on the same strand; after cancel() it only sees operation_aborted.
    deadline.async_wait([&sock](error_code ec) {
        if (!ec) sock.cancel(ec);
    });
    error_code ec;
    co_await asio::async_write(sock, asio::buffer(response),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) sock.shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, 4096> sink;
    for (int i = 0; !ec && i < 64; ++i) {
        co_await sock.async_read_some(asio::buffer(sink),
                                      asio::redirect_error(asio::use_awaitable, ec));
    }
    deadline.cancel();
    sock.close(ec);
}

std::string busy_response(const ServerOptions& o) {
    std::string out;
    const Response r = json_error(503, "unavailable", "Too many connections, try again later");
    detail::serialize_response(r, {o.server_name, /*keep_alive=*/false, false, false}, out);
    return out;
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions opts, Handler handler)
    : shared_(std::make_shared<ServerShared>(io, std::move(opts), std::move(handler))) {}

Server::~Server() {
    stop();
}

void Server::start() {
    ServerShared& s = *shared_;
    if (!s.handler) throw std::logic_error("http: Server needs a handler");
    net::AcceptHandlers handlers;
    handlers.open = net::open_session<Session>(std::weak_ptr<ServerShared>(shared_));
    handlers.reject = [response = busy_response(s.opts)](tcp::socket sock) {
        return reject_busy(std::move(sock), response);
    };
    port_ = s.listener.start(shared_, s.opts.host, s.opts.port, std::move(handlers));
}

void Server::stop() {
    shared_->listener.stop();
}

std::size_t Server::active_connections() const {
    return shared_->listener.connections().size();
}

}  // namespace cis::http
