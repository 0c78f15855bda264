#include "smtp/server.hpp"

#include <stdexcept>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/listener.hpp"
#include "smtp/session.hpp"

namespace cis::smtp {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using detail::ServerShared;
using detail::Session;

namespace {

// Over max_connections: say why and hang up without creating a session. The reply fits in
// the fresh socket's send buffer, so this cannot stall.
awaitable<void> reject_busy(tcp::socket sock, std::string reply) {
    error_code ec;
    co_await asio::async_write(sock, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
}

void load_tls(ServerShared& s) {
    const ServerOptions& o = s.opts;
    if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return;
    if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
        throw std::runtime_error("smtp: tls_cert_file and tls_key_file must be set together");
    }
    try {
        asio::ssl::context ctx(asio::ssl::context::tls_server);
        ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        ctx.use_certificate_chain_file(o.tls_cert_file);
        // OpenSSL also checks here that the key matches the certificate.
        ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem);
        s.tls.emplace(std::move(ctx));
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("smtp: cannot load TLS certificate '" + o.tls_cert_file +
                                 "' / key '" + o.tls_key_file + "': " + e.what());
    }
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions opts, Handler& handler)
    : shared_(std::make_shared<ServerShared>(io, std::move(opts), handler)) {}

Server::~Server() {
    stop();
}

void Server::start() {
    ServerShared& s = *shared_;
    load_tls(s);
    net::AcceptHandlers handlers;
    handlers.open = net::open_session<Session>(std::weak_ptr<ServerShared>(shared_));
    handlers.reject = [reply = "421 4.7.0 " + s.opts.hostname +
                               " Too many connections, try again later\r\n"](tcp::socket sock) {
        return reject_busy(std::move(sock), reply);
    };
    port_ = s.listener.start(shared_, s.opts.host, s.opts.port, std::move(handlers));
}

void Server::stop() {
    shared_->listener.stop();
}

std::size_t Server::active_sessions() const {
    return shared_->listener.connections().size();
}

}  // namespace cis::smtp
