#include "app/outbound.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "app/relay_transport.hpp"
#include "core/thread_name.hpp"
#include "dkim/dkim.hpp"
#include "services/invitation_renderer.hpp"
#include "services/sandbox_transport.hpp"

namespace cis::app {

namespace {

// The DKIM signer of outgoing mail, when [outbound] dkim_sign is on.
services::Signer make_signer(const Config& c) {
    if (!c.dkim_sign) return {};
    if (c.dkim_sign_key.empty())
        throw ConfigError(
            "[outbound] dkim_sign needs dkim_key: the PEM private key file (RSA or Ed25519)");
    std::ifstream in(c.dkim_sign_key);
    if (!in) throw ConfigError("cannot read the DKIM key " + c.dkim_sign_key);
    std::ostringstream pem;
    pem << in.rdbuf();
    dkim::SignerOptions o;
    o.domain = c.domain;
    o.selector = c.dkim_selector;
    o.private_key_pem = pem.str();
    // RFC 8058 §4: mailbox providers honour one-click unsubscribe only when the signature
    // covers List-Unsubscribe and List-Unsubscribe-Post.
    o.headers_to_sign = dkim::default_signed_headers();
    o.headers_to_sign.insert(o.headers_to_sign.end(),
                             {"List-Unsubscribe", "List-Unsubscribe-Post"});
    std::shared_ptr<dkim::Signer> signer;
    try {
        signer = std::make_shared<dkim::Signer>(std::move(o));
    } catch (const std::exception& e) {
        throw ConfigError(std::string("[outbound] DKIM signing: ") + e.what());
    }
    return [signer](std::string_view message) { return signer->signature_header(message); };
}

}  // namespace

struct Outbound::Parts {
    // The relay client's own io_context and thread: under a burst of API requests the
    // HTTP sessions would otherwise keep the shared io threads busy and starve delivery.
    // Declared first: the transport must go before the io_context it runs on.
    boost::asio::io_context relay_io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
    std::thread relay_thread;
    std::unique_ptr<services::Transport> transport;
    RelayTransport* relay = nullptr;  // the transport, when it is a relay (to close it)
    std::unique_ptr<services::OutboxWorker> worker;
    std::string description;
};

namespace {

smtp::RelayOptions relay_options(const Config& c) {
    smtp::RelayOptions o;
    o.host = c.relay_host;
    o.port = static_cast<unsigned short>(c.relay_port);
    if (c.relay_tls == "off")
        o.tls = smtp::RelayOptions::Tls::Off;
    else if (c.relay_tls == "required")
        o.tls = smtp::RelayOptions::Tls::Required;
    else if (c.relay_tls == "opportunistic")
        o.tls = smtp::RelayOptions::Tls::Opportunistic;
    else
        throw ConfigError(fmt::format(
            "[outbound] relay_tls \"{}\" must be off, opportunistic or required", c.relay_tls));
    o.ca_file = c.relay_ca_file;
    o.username = c.relay_username;
    o.password = c.relay_password;
    o.helo_name = c.smtp_hostname.empty() ? c.domain : c.smtp_hostname;
    o.connections = static_cast<std::size_t>(std::max<std::int64_t>(1, c.relay_connections));
    return o;
}

std::unique_ptr<services::Transport> make_transport(const Config& c, boost::asio::io_context& io,
                                                    std::string& description) {
    if (c.transport == "sandbox") {
        description = "sandbox (captured, nothing leaves this machine)";
        return std::make_unique<services::SandboxTransport>();
    }
    if (c.transport == "smtp") {
        description = fmt::format("SMTP relay {}:{} ({} connections, TLS {})", c.relay_host,
                                  c.relay_port, c.relay_connections, c.relay_tls);
        try {
            return std::make_unique<RelayTransport>(io, relay_options(c));
        } catch (const std::invalid_argument& e) {
            throw ConfigError(std::string("[outbound] relay: ") + e.what());
        }
    }
    throw ConfigError(
        fmt::format("[outbound] transport \"{}\" is not known (sandbox or smtp)", c.transport));
}

}  // namespace

Outbound::Outbound(const Config& c, store::Store& store, const services::InstallationKeys& keys)
    : parts_(std::make_unique<Parts>()) {
    parts_->transport = make_transport(c, parts_->relay_io, parts_->description);
    parts_->relay = dynamic_cast<RelayTransport*>(parts_->transport.get());
    services::WorkerOptions o;
    char host[256] = "host";
    ::gethostname(host, sizeof host - 1);
    o.owner = fmt::format("{}:{}", host, ::getpid());
    o.pace = static_cast<double>(c.pace);
    o.retry_base = c.retry_base;
    o.retry_max = c.retry_max;
    o.give_up_after = c.give_up_after;
    o.lease_seconds = std::max<std::int64_t>(1, c.lease);
    o.threads = static_cast<std::size_t>(std::clamp<std::int64_t>(c.workers, 1, 64));
    services::RenderSettings rs{c.domain, c.mailbox_rsvp, c.effective_public_url(), keys.token_key};
    parts_->worker = std::make_unique<services::OutboxWorker>(
        store, *parts_->transport, services::invitation_renderer(rs), o, make_signer(c));
    if (c.dkim_sign)
        parts_->description +=
            fmt::format(", DKIM-signed for {} (s={})", c.domain, c.dkim_selector);
}

Outbound::~Outbound() {
    stop();
}

void Outbound::start() {
    if (parts_->relay) {
        parts_->guard.emplace(boost::asio::make_work_guard(parts_->relay_io));
        parts_->relay_thread = std::thread([this] {
            name_this_thread("cis-relay");
            parts_->relay_io.run();
        });
    }
    parts_->worker->start();
}

void Outbound::stop() {
    parts_->worker->stop();
    if (parts_->relay) parts_->relay->close();  // QUIT, so the io_context can wind down
    parts_->guard.reset();
    if (parts_->relay_thread.joinable()) parts_->relay_thread.join();
}

void Outbound::poke() {
    parts_->worker->poke();
}

std::string Outbound::description() const {
    return parts_->description;
}

}  // namespace cis::app
