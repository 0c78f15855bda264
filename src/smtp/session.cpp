#include "smtp/session.hpp"

#include <functional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smtp/data_decoder.hpp"

namespace cis::smtp::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// RFC 5321 4.5.3.1.4: a command line is at most 512 octets including CRLF.
constexpr std::size_t kMaxCommandLine = 510;
// Protocol errors tolerated before we hang up (bounds the work a garbage-spewing peer causes).
constexpr int kMaxErrors = 20;
// Flush batched replies once this much piles up, even if more pipelined input is buffered.
constexpr std::size_t kFlushThreshold = 16 * 1024;
// Upper bound for writing a farewell 421 to a peer that may not be reading.
constexpr std::chrono::seconds kGoodbyeTimeout{5};

// Shared between the std::function given to Handler::deliver and the coroutine waiting for it.
template <typename Completion>
struct DoneState {
    explicit DoneState(Completion c) : completion(std::move(c)) {}
    std::atomic<bool> fired{false};
    std::optional<Completion> completion;
};

// Adapts Handler::deliver's callback to an Asio async operation. done() may run on any
// thread, inline or later: it only posts the completion to the session's executor (its
// strand), which is where the awaiting coroutine resumes. The atomic flag makes a second
// call a no-op.
template <typename Token>
auto async_deliver(Handler& handler, Envelope env, std::string message, Token&& token) {
    return asio::async_initiate<Token, void(Reply)>(
        [&handler](auto completion, Envelope env, std::string message) {
            using State = DoneState<decltype(completion)>;
            auto ex = asio::get_associated_executor(completion);
            auto state = std::make_shared<State>(std::move(completion));
            std::function<void(Reply)> done = [state, ex](Reply r) {
                if (state->fired.exchange(true)) return;
                asio::post(ex, [state, r = std::move(r)]() mutable {
                    (*std::move(state->completion))(std::move(r));
                });
            };
            try {
                handler.deliver(std::move(env), std::move(message), done);
            } catch (...) {
                // No-op if the handler had already called done() before throwing.
                done(Reply{451, "4.3.0", "Temporary failure storing message"});
            }
        },
        token, std::move(env), std::move(message));
}

char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

std::string upper(std::string s) {
    for (char& c : s) c = ascii_upper(c);
    return s;
}

}  // namespace

Session::Session(std::shared_ptr<ServerShared> shared, tcp::socket socket)
    : shared_(std::move(shared)),
      opts_(shared_->opts),
      socket_(std::move(socket)),
      deadline_(socket_.get_executor(),
                [this] {
                    error_code ec;
                    socket_.cancel(ec);  // the pending read or write fails
                }),
      in_(kMaxCommandLine) {
    error_code ec;
    const tcp::endpoint ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = net::format_endpoint(ep);
}

Session::~Session() {
    shared_->listener.connections().remove(this);
}

void Session::request_stop() {
    asio::post(executor(), [self = shared_from_this()] {
        self->stop_requested_ = true;
        // Wakes a pending read; read_line() then says goodbye. A session busy elsewhere
        // (waiting for deliver's done()) sees the flag before its next read.
        error_code ec;
        self->socket_.cancel(ec);
    });
}

awaitable<void> Session::run(std::shared_ptr<Session> self) {
    self->deadline_.start(self);
    try {
        co_await self->serve();
    } catch (...) {
        // Only allocation failures or a bug can get here; drop this connection, not the server.
    }
    self->close();
}

void Session::close() {
    deadline_.stop();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

awaitable<bool> Session::fill() {
    arm(opts_.idle_timeout);
    error_code ec;
    std::size_t n = 0;
    if (tls_) {
        n = co_await tls_->async_read_some(asio::buffer(read_buf_),
                                           asio::redirect_error(asio::use_awaitable, ec));
    } else {
        n = co_await socket_.async_read_some(asio::buffer(read_buf_),
                                             asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm();
    if (ec) {
        // GCC 12 double-frees a braced temporary (Reply{...}) inside a co_await expression,
        // so farewell replies are always named locals.
        if (deadline_.expired()) {
            const Reply bye{421, "4.4.2", opts_.hostname + " Error: timeout exceeded"};
            co_await goodbye(bye);
        } else if (stop_requested_) {
            const Reply bye{421, "4.3.2", opts_.hostname + " Service shutting down"};
            co_await goodbye(bye);
        }
        co_return false;
    }
    in_.append(std::string_view(read_buf_.data(), n));
    co_return true;
}

awaitable<bool> Session::write_out(Clock::duration timeout) {
    arm(timeout);
    error_code ec;
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(out_),
                                   asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await asio::async_write(socket_, asio::buffer(out_),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm();
    out_.clear();
    co_return !ec;
}

awaitable<bool> Session::flush() {
    if (out_.empty()) co_return true;
    co_return co_await write_out(opts_.idle_timeout);
}

awaitable<void> Session::goodbye(const Reply& r) {
    out_.clear();  // anything unsent is moot now
    queue(r);
    // A named local, not a temporary inside co_await (see the GCC 12 note above).
    const Clock::duration timeout = std::min<Clock::duration>(opts_.idle_timeout, kGoodbyeTimeout);
    co_await write_out(timeout);
}

awaitable<std::optional<Line>> Session::read_line() {
    while (true) {
        if (std::optional<Line> line = in_.next()) co_return std::move(line);
        // About to block on the peer: send every reply batched so far (RFC 2920 section 3.2).
        if (!co_await flush()) co_return std::nullopt;
        if (stop_requested_) {
            const Reply bye{421, "4.3.2", opts_.hostname + " Service shutting down"};
            co_await goodbye(bye);  // named: see fill()
            co_return std::nullopt;
        }
        if (!co_await fill()) co_return std::nullopt;
    }
}

void Session::queue(const Reply& r, bool enhanced) {
    out_ += format_reply(r, enhanced);
}

bool Session::client_error(const Reply& r) {
    queue(r);
    if (++errors_ < kMaxErrors) return true;
    queue(Reply{421, "4.7.0", opts_.hostname + " Too many errors, closing connection"});
    return false;
}

void Session::reset_transaction() {
    in_transaction_ = false;
    env_ = Envelope{};
}

awaitable<void> Session::serve() {
    queue(Reply{220, "", opts_.hostname + " ESMTP CIS ready"}, /*enhanced=*/false);
    while (true) {
        std::optional<Line> line = co_await read_line();
        if (!line) co_return;
        bool keep = true;
        if (line->too_long) {
            keep = client_error(Reply{500, "5.5.2", "Line too long"});
        } else {
            const Command cmd = parse_command(line->text);
            keep = co_await handle(cmd);
        }
        if (!keep || out_.size() > kFlushThreshold) {
            if (!co_await flush() || !keep) co_return;
        }
    }
}

awaitable<bool> Session::handle(const Command& cmd) {
    if (!cmd.error.empty()) co_return client_error(Reply{501, "5.5.4", cmd.error});
    switch (cmd.verb) {
        case Verb::kHelo:
        case Verb::kEhlo:
            greet(cmd);
            co_return true;
        case Verb::kMail:
            co_return mail(cmd);
        case Verb::kRcpt:
            co_return rcpt(cmd);
        case Verb::kData:
            co_return co_await data();
        case Verb::kRset:
            reset_transaction();
            queue(Reply{250, "2.0.0", "OK"});
            co_return true;
        case Verb::kNoop:
            queue(Reply{250, "2.0.0", "OK"});
            co_return true;
        case Verb::kQuit:
            queue(Reply{221, "2.0.0", opts_.hostname + " closing connection"});
            co_return false;
        case Verb::kVrfy:
            queue(Reply{252, "2.1.5", "Cannot VRFY user, but will accept message for delivery"});
            co_return true;
        case Verb::kExpn:
            co_return client_error(Reply{502, "5.5.1", "EXPN not supported"});
        case Verb::kHelp:
            queue(Reply{214, "2.0.0",
                        "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP" +
                            std::string(shared_->tls ? " STARTTLS" : "") + "\nSee RFC 5321"});
            co_return true;
        case Verb::kStartTls:
            co_return co_await starttls();
        case Verb::kUnknown:
            co_return client_error(Reply{500, "5.5.2", "Command unrecognized"});
    }
    co_return false;
}

void Session::greet(const Command& cmd) {
    reset_transaction();  // RFC 5321 4.1.4: EHLO/HELO imply RSET
    helo_ = cmd.argument;
    esmtp_ = cmd.verb == Verb::kEhlo;
    if (!esmtp_) {
        queue(Reply{250, "", opts_.hostname}, /*enhanced=*/false);
        return;
    }
    std::string text = opts_.hostname + "\nPIPELINING\nSIZE " +
                       std::to_string(opts_.max_message_size) +
                       "\n8BITMIME\nSMTPUTF8\nENHANCEDSTATUSCODES";
    if (shared_->tls && !tls_) text += "\nSTARTTLS";
    queue(Reply{250, "", text}, /*enhanced=*/false);  // RFC 2034: no codes in EHLO replies
}

bool Session::mail(const Command& cmd) {
    if (helo_.empty()) return client_error(Reply{503, "5.5.1", "Send HELO/EHLO first"});
    if (in_transaction_) return client_error(Reply{503, "5.5.1", "Nested MAIL command"});
    bool smtputf8 = false, eight_bit = false;
    for (const Param& p : cmd.params) {
        if (!esmtp_) return client_error(Reply{555, "5.5.4", "Parameters require EHLO"});
        if (p.keyword == "SIZE") {
            const auto size = parse_size(p.value);
            if (!size) return client_error(Reply{501, "5.5.4", "Bad SIZE value"});
            if (*size > opts_.max_message_size) {
                queue(Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"});
                return true;
            }
        } else if (p.keyword == "BODY") {
            const std::string body = upper(p.value);
            if (body == "8BITMIME") {
                eight_bit = true;
            } else if (body != "7BIT") {
                return client_error(Reply{555, "5.5.4", "Unsupported BODY type"});
            }
        } else if (p.keyword == "SMTPUTF8" && p.value.empty()) {
            smtputf8 = true;
        } else {
            return client_error(Reply{555, "5.5.4", "Unsupported parameter " + p.keyword});
        }
    }
    if (!smtputf8 && !is_ascii(cmd.path)) {
        return client_error(Reply{553, "5.6.7", "Non-ASCII address requires SMTPUTF8"});
    }
    reset_transaction();
    in_transaction_ = true;
    env_.mail_from = cmd.path;
    env_.smtputf8 = smtputf8;
    env_.eight_bit = eight_bit;
    queue(Reply{250, "2.1.0", "Sender OK"});
    return true;
}

bool Session::rcpt(const Command& cmd) {
    if (!in_transaction_) return client_error(Reply{503, "5.5.1", "Need MAIL command"});
    if (!cmd.params.empty()) {
        return client_error(
            Reply{555, "5.5.4", "Unsupported parameter " + cmd.params.front().keyword});
    }
    if (!env_.smtputf8 && !is_ascii(cmd.path)) {
        return client_error(Reply{553, "5.6.7", "Non-ASCII address requires SMTPUTF8"});
    }
    if (env_.rcpts.size() >= opts_.max_recipients) {
        queue(Reply{452, "4.5.3", "Too many recipients"});
        return true;
    }
    Reply r;
    try {
        r = sanitize_reply(shared_->handler.check_recipient(cmd.path));
    } catch (...) {
        r = Reply{451, "4.3.0", "Temporary failure checking recipient"};
    }
    if (r.code / 100 == 2) {
        env_.rcpts.push_back(cmd.path);
        queue(r);
        return true;
    }
    // Permanent refusals count as errors so a peer cannot probe addresses forever.
    if (r.code / 100 == 5) return client_error(r);
    queue(r);
    return true;
}

awaitable<bool> Session::data() {
    if (!in_transaction_) co_return client_error(Reply{503, "5.5.1", "Need MAIL command"});
    if (env_.rcpts.empty()) co_return client_error(Reply{554, "5.5.1", "No valid recipients"});
    queue(Reply{354, "", "End data with <CR><LF>.<CR><LF>"}, /*enhanced=*/false);

    in_.set_max_line(kMaxDataLine);
    DataDecoder decoder(opts_.max_message_size);
    while (true) {
        std::optional<Line> line = co_await read_line();
        if (!line) co_return false;
        if (decoder.feed(*line)) break;
    }
    in_.set_max_line(kMaxCommandLine);

    Envelope env = std::move(env_);
    reset_transaction();  // whatever the outcome, the transaction is over (RFC 5321 4.1.1.4)
    if (decoder.line_too_long()) {
        queue(Reply{554, "5.6.0", "Message has a line longer than 1000 octets"});
    } else if (decoder.oversize()) {
        queue(Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"});
    } else {
        env.helo = helo_;
        env.remote_address = remote_;
        env.tls = tls_ != nullptr;
        std::string message = decoder.take();
        const Reply r = co_await deliver(std::move(env), std::move(message));
        if (r.code / 100 == 2) errors_ = 0;  // a delivered message proves a genuine client
        queue(r);
    }
    co_return true;
}

awaitable<Reply> Session::deliver(Envelope env, std::string message) {
    // No idle timeout while the application stores the message: it answers via done().
    disarm();
    Reply r = co_await async_deliver(shared_->handler, std::move(env), std::move(message),
                                     asio::use_awaitable);
    co_return sanitize_reply(std::move(r));
}

awaitable<bool> Session::starttls() {
    if (!shared_->tls) co_return client_error(Reply{502, "5.5.1", "STARTTLS not available"});
    if (tls_) co_return client_error(Reply{503, "5.5.1", "TLS already active"});
    if (in_transaction_) {
        co_return client_error(Reply{503, "5.5.1", "MAIL transaction in progress"});
    }
    queue(Reply{220, "2.0.0", "Ready to start TLS"});
    if (!co_await flush()) co_return false;
    // Anything pipelined after STARTTLS arrived in plaintext and must not be executed as if
    // it had been protected (RFC 3207 section 5, CVE-2011-0411).
    in_.clear();
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *shared_->tls);
    arm(opts_.idle_timeout);
    error_code ec;
    co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec) {
        tls_.reset();  // no goodbye over a half-open TLS session
        co_return false;
    }
    // RFC 3207 section 4.2: forget everything learned before TLS; the client must EHLO again.
    helo_.clear();
    esmtp_ = false;
    reset_transaction();
    co_return true;
}

}  // namespace cis::smtp::detail
