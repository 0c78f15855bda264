// The relay connection's session set-up: connect, greeting, EHLO, STARTTLS, AUTH.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "smtp/client_auth.hpp"
#include "smtp/client_connection.hpp"
#include "smtp/client_result.hpp"

namespace cis::smtp::detail {

using boost::asio::awaitable;
using Tls = RelayOptions::Tls;

awaitable<std::optional<DeliveryResult>> RelayConnection::setup() {
    session_ = false;
    caps_ = Capabilities{};
    sent_on_session_ = 0;
    const std::string error =
        co_await transport_.connect(opts_.host, opts_.port, opts_.connect_timeout);
    if (!error.empty())
        co_return deferred("connect", "cannot connect to " + where() + ": " + error);
    std::optional<ServerReply> greeting = co_await get("connect", "the connection (greeting)");
    if (!greeting) co_return io_failure_;
    if (greeting->code != 220) co_return co_await reject(*greeting, "connect");
    if (std::optional<DeliveryResult> failure = co_await ehlo()) co_return failure;
    if (std::optional<DeliveryResult> failure = co_await starttls()) co_return failure;
    if (std::optional<DeliveryResult> failure = co_await auth()) co_return failure;
    session_ = true;
    ++shared_->sessions_opened;
    co_return std::nullopt;
}

awaitable<DeliveryResult> RelayConnection::reject(const ServerReply& reply, const char* stage) {
    DeliveryResult result = refusal(reply, stage);
    if (reply.code == 421 || reply.klass() == 3) {
        drop();  // closing anyway, or in the middle of an exchange we cannot finish
    } else {
        co_await quit();
    }
    co_return result;
}

awaitable<std::optional<DeliveryResult>> RelayConnection::ehlo() {
    const std::string ehlo = "EHLO " + opts_.helo_name + "\r\n";
    if (!co_await put(ehlo, "ehlo", "EHLO")) co_return io_failure_;
    std::optional<ServerReply> reply = co_await get("ehlo", "EHLO");
    if (!reply) co_return io_failure_;
    if (reply->klass() == 2) {
        caps_ = parse_ehlo(*reply);
        co_return std::nullopt;
    }
    if (reply->klass() != 5) co_return co_await reject(*reply, "ehlo");
    // A server from before ESMTP: HELO, and no extensions at all.
    const std::string helo = "HELO " + opts_.helo_name + "\r\n";
    if (!co_await put(helo, "ehlo", "HELO")) co_return io_failure_;
    reply = co_await get("ehlo", "HELO");
    if (!reply) co_return io_failure_;
    if (reply->klass() != 2) co_return co_await reject(*reply, "ehlo");
    caps_ = Capabilities{};
    co_return std::nullopt;
}

awaitable<std::optional<DeliveryResult>> RelayConnection::starttls() {
    if (opts_.tls == Tls::Off) co_return std::nullopt;
    if (!caps_.starttls) {
        if (opts_.tls == Tls::Opportunistic) co_return std::nullopt;
        co_await quit();
        co_return deferred("starttls",
                           "TLS is required but " + where() + " does not offer STARTTLS");
    }
    if (!co_await put("STARTTLS\r\n", "starttls", "STARTTLS")) co_return io_failure_;
    std::optional<ServerReply> reply = co_await get("starttls", "STARTTLS");
    if (!reply) co_return io_failure_;
    if (reply->code != 220) {
        // Opportunistic: the session is still fine, only unencrypted.
        if (opts_.tls == Tls::Opportunistic && reply->klass() != 3 && reply->code != 421) {
            co_return std::nullopt;
        }
        co_return co_await reject(*reply, "starttls");
    }
    const std::string error = co_await transport_.start_tls(
        *shared_->tls, opts_.host, opts_.verify_certificate, opts_.command_timeout);
    if (!error.empty()) {
        session_ = false;
        co_return deferred("starttls", "TLS handshake with " + where() + " failed: " + error);
    }
    // RFC 3207 4.2: forget what the server offered in plaintext and ask again under TLS.
    caps_ = Capabilities{};
    co_return co_await ehlo();
}

awaitable<std::optional<DeliveryResult>> RelayConnection::auth() {
    if (opts_.username.empty() && opts_.password.empty()) co_return std::nullopt;
    if (!transport_.encrypted() && !transport_.peer_is_loopback()) {
        co_await quit();
        co_return deferred("auth", "refusing to send the password for '" + opts_.username +
                                       "' to " + where() +
                                       " without TLS (STARTTLS not offered or not enabled)");
    }
    if (!caps_.auth_plain) co_return co_await auth_login();
    const std::string plain = auth_plain_command(opts_.username, opts_.password);
    if (!co_await put(plain, "auth", "AUTH PLAIN")) co_return io_failure_;
    std::optional<ServerReply> reply = co_await get("auth", "AUTH PLAIN");
    if (!reply) co_return io_failure_;
    if (reply->code != 235) co_return co_await reject(*reply, "auth");
    co_return std::nullopt;
}

awaitable<std::optional<DeliveryResult>> RelayConnection::auth_login() {
    if (!caps_.auth_login) {
        const std::string offered =
            caps_.auth_mechanisms.empty() ? "no AUTH at all" : "only " + caps_.auth_mechanisms;
        co_await quit();
        co_return deferred("auth", "cannot log in to " + where() +
                                       ": it offers neither AUTH PLAIN nor AUTH LOGIN (" + offered +
                                       ")");
    }
    // Three steps: the command, then user name and password each after a 334 challenge.
    const std::string steps[3] = {"AUTH LOGIN\r\n", base64(opts_.username) + "\r\n",
                                  base64(opts_.password) + "\r\n"};
    const char* what[3] = {"AUTH LOGIN", "the AUTH LOGIN user name", "the AUTH LOGIN password"};
    for (int i = 0; i < 3; ++i) {
        if (!co_await put(steps[i], "auth", what[i])) co_return io_failure_;
        std::optional<ServerReply> reply = co_await get("auth", what[i]);
        if (!reply) co_return io_failure_;
        const int expected = i < 2 ? 334 : 235;
        if (reply->code != expected) co_return co_await reject(*reply, "auth");
    }
    co_return std::nullopt;
}

}  // namespace cis::smtp::detail
