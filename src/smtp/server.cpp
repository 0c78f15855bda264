#include "smtp/server.hpp"

#include "net/listen.hpp"

#include <stdexcept>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

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

awaitable<void> accept_loop(std::shared_ptr<ServerShared> s) {
    while (true) {
        // Each connection gets its own strand: its coroutines never run concurrently.
        asio::any_io_executor strand = asio::make_strand(s->io);
        error_code ec;
        tcp::socket sock = co_await s->acceptor.async_accept(
            strand, asio::redirect_error(asio::use_awaitable, ec));
        if (!s->acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // E.g. EMFILE: the connection stays queued, so back off instead of spinning.
            asio::steady_timer pause(s->accept_strand, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (s->active.load() >= s->opts.max_connections) {
            asio::co_spawn(
                strand,
                reject_busy(std::move(sock), "421 4.7.0 " + s->opts.hostname +
                                                 " Too many connections, try again later\r\n"),
                asio::detached);
            continue;
        }
        auto session = std::make_shared<Session>(s, std::move(sock));
        if (!s->add(session)) co_return;  // stop() has begun; the session closes its socket
        asio::co_spawn(session->executor(), Session::run(session), asio::detached);
    }
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
    {
        std::lock_guard lock(s.mu);
        if (s.acceptor.is_open() || s.stopping)
            throw std::logic_error("smtp: Server::start() called twice or after stop()");
    }
    load_tls(s);
    port_ = net::listen(s.acceptor, s.io, s.opts.host, s.opts.port, "smtp");
    asio::co_spawn(s.accept_strand, accept_loop(shared_), asio::detached);
}

void Server::stop() {
    std::vector<std::shared_ptr<Session>> sessions;
    {
        std::lock_guard lock(shared_->mu);
        shared_->stopping = true;
        for (const auto& [ptr, weak] : shared_->sessions) {
            if (auto session = weak.lock()) sessions.push_back(std::move(session));
        }
    }
    // The acceptor belongs to the accept strand; closing it ends the accept loop.
    asio::post(shared_->accept_strand, [s = shared_] {
        error_code ec;
        s->acceptor.close(ec);
    });
    for (const auto& session : sessions) session->request_stop();
}

std::size_t Server::active_sessions() const {
    return shared_->active.load();
}

}  // namespace cis::smtp
