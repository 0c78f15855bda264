// The SMTP server over real TCP on 127.0.0.1 (port 0), driven by a small blocking client.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "smtp/server.hpp"

namespace cis::smtp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Application side: records what it is given.

struct Delivery {
    Envelope env;
    std::string message;
};

class RecordingHandler : public Handler {
  public:
    Reply check_recipient(const std::string& rcpt) override {
        if (rcpt.starts_with("nobody@")) return {550, "5.1.1", "no such user"};
        if (rcpt.starts_with("throw@")) throw std::runtime_error("directory down");
        return {250, "2.1.5", "Recipient OK"};
    }

    void deliver(Envelope env, std::string message, std::function<void(Reply)> done) override {
        std::lock_guard lock(mu_);
        deliveries_.push_back({std::move(env), std::move(message)});
        const std::string id = std::to_string(deliveries_.size());
        if (delay.count() > 0) {
            // Like a batching store: answer later, from a thread of its own.
            threads_.emplace_back([this, done, id, d = delay] {
                std::this_thread::sleep_for(d);
                done_fired = true;
                done({250, "2.0.0", "queued later as " + id});
            });
            return;
        }
        done_fired = true;
        done({250, "2.0.0", "queued as " + id});
        if (call_done_twice) done({451, "4.3.0", "second call must be ignored"});
    }

    std::vector<Delivery> deliveries() const {
        std::lock_guard lock(mu_);
        return deliveries_;
    }

    void join() {
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mu_);
            threads.swap(threads_);
        }
        for (auto& t : threads) t.join();
    }

    std::chrono::milliseconds delay{0};
    bool call_done_twice = false;
    std::atomic<bool> done_fired{false};

  private:
    mutable std::mutex mu_;
    std::vector<Delivery> deliveries_;
    std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------
// A blocking SMTP client. Every operation runs on a private io_context with a timeout, so a
// misbehaving server fails the test instead of hanging it.

struct Response {
    int code = 0;
    std::vector<std::string> lines;  // full lines without CRLF, e.g. "250-PIPELINING"
    std::string text() const {
        std::string t;
        for (const auto& l : lines) t += l + "\n";
        return t;
    }
    bool has_line(const std::string& s) const {
        for (const auto& l : lines)
            if (l.size() >= 4 && l.substr(4) == s) return true;
        return false;
    }
};

class Client {
  public:
    explicit Client(unsigned short port) : sock_(io_), tls_ctx_(asio::ssl::context::tls_client) {
        tls_ctx_.set_verify_mode(asio::ssl::verify_none);  // the test cert is self-signed
        const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        run([&](auto h) { sock_.async_connect(ep, h); });
    }

    void send(const std::string& data) {
        with_stream(
            [&](auto& s) { run([&](auto h) { asio::async_write(s, asio::buffer(data), h); }); });
    }

    std::string read_line() {
        std::size_t n = 0;
        with_stream(
            [&](auto& s) { n = run([&](auto h) { asio::async_read_until(s, buf_, "\r\n", h); }); });
        std::string line(asio::buffers_begin(buf_.data()), asio::buffers_begin(buf_.data()) + n);
        buf_.consume(n);
        return line.substr(0, line.size() - 2);
    }

    Response read_reply() {
        Response r;
        while (true) {
            std::string line = read_line();
            r.lines.push_back(line);
            if (line.size() < 4 || line[3] != '-') break;
        }
        r.code = std::atoi(r.lines.front().substr(0, 3).c_str());
        return r;
    }

    Response cmd(const std::string& line) {
        send(line + "\r\n");
        return read_reply();
    }

    // True when the server closes the connection (after any final lines) within the timeout.
    bool closed() {
        try {
            while (true) read_line();
        } catch (const boost::system::system_error&) {
            return true;  // EOF or reset
        } catch (const std::runtime_error&) {
            return false;  // timeout
        }
    }

    void start_tls() {
        tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock_, tls_ctx_);
        run([&](auto h) { tls_->async_handshake(asio::ssl::stream_base::client, h); });
    }

  private:
    template <typename F>
    void with_stream(F f) {
        if (tls_)
            f(*tls_);
        else
            f(sock_);
    }

    template <typename Initiate>
    std::size_t run(Initiate initiate) {
        bool finished = false;
        error_code result;
        std::size_t bytes = 0;
        initiate([&](error_code ec, auto... n) {
            finished = true;
            result = ec;
            ((bytes = static_cast<std::size_t>(n)), ...);
        });
        io_.restart();
        io_.run_for(10s);
        if (!finished) {
            error_code ignored;
            sock_.cancel(ignored);
            io_.restart();
            io_.run();
            throw std::runtime_error("client: timed out");
        }
        if (result) throw boost::system::system_error(result);
        return bytes;
    }

    asio::io_context io_;
    tcp::socket sock_;
    asio::ssl::context tls_ctx_;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
    asio::streambuf buf_;
};

// A self-signed certificate made once per test run, removed at exit.
struct TlsFiles {
    TlsFiles() {
        char tmpl[] = "/tmp/cis-smtp-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        cert = (dir / "c.pem").string();
        key = (dir / "k.pem").string();
        const std::string cmd =
            "cd '" + dir.string() +
            "' && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
            "-days 1 -keyout k.pem -out c.pem >/dev/null 2>&1";
        ok = std::system(cmd.c_str()) == 0 && std::filesystem::exists(cert);
    }
    ~TlsFiles() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::filesystem::path dir;
    std::string cert, key;
    bool ok = false;
};

const TlsFiles& tls_files() {
    static TlsFiles files;
    return files;
}

// ---------------------------------------------------------------------------------------------
// Fixture: a server on 127.0.0.1:0 with two io_context threads; always stopped in TearDown,
// also when an assertion failed half-way.

class SmtpServerTest : public ::testing::Test {
  protected:
    static ServerOptions Options() {
        ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.hostname = "mx.test";
        return o;
    }

    void Start(ServerOptions o = Options()) {
        server_ = std::make_unique<Server>(io_, std::move(o), handler_);
        server_->start();
        guard_.emplace(io_.get_executor());
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    }

    void TearDown() override {
        handler_.join();  // every pending done() has been called
        if (server_) server_->stop();
        guard_.reset();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (server_ && server_->active_sessions() > 0 &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        if (server_ && server_->active_sessions() > 0) {
            ADD_FAILURE() << "sessions still alive 10 s after stop()";
            io_.stop();
        }
        for (auto& t : threads_) t.join();
        server_.reset();
    }

    unsigned short port() const { return server_->port(); }

    // Connects and consumes the greeting and the EHLO reply.
    std::unique_ptr<Client> Connect(const std::string& ehlo = "client.example") {
        auto c = std::make_unique<Client>(port());
        const Response greeting = c->read_reply();
        EXPECT_EQ(greeting.code, 220) << greeting.text();
        if (!ehlo.empty()) {
            const Response r = c->cmd("EHLO " + ehlo);
            EXPECT_EQ(r.code, 250) << r.text();
        }
        return c;
    }

    RecordingHandler handler_;
    asio::io_context io_;
    std::unique_ptr<Server> server_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
    std::vector<std::thread> threads_;
};

#define EXPECT_REPLY(response, expected_code, expected_line)    \
    do {                                                        \
        const Response r_ = (response);                         \
        EXPECT_EQ(r_.code, expected_code) << r_.text();         \
        EXPECT_EQ(r_.lines.back(), expected_line) << r_.text(); \
    } while (0)

// ---------------------------------------------------------------------------------------------

TEST_F(SmtpServerTest, FullTransactionDeliversExactBytes) {
    Start();
    auto c = Connect();
    EXPECT_REPLY(c->cmd("MAIL FROM:<alice@example.org> BODY=8BITMIME SMTPUTF8"), 250,
                 "250 2.1.0 Sender OK");
    EXPECT_REPLY(c->cmd("RCPT TO:<bob@example.com>"), 250, "250 2.1.5 Recipient OK");
    EXPECT_REPLY(c->cmd("RCPT TO:<jörg@bücher.example>"), 250, "250 2.1.5 Recipient OK");
    EXPECT_REPLY(c->cmd("DATA"), 354, "354 End data with <CR><LF>.<CR><LF>");
    c->send(
        "Subject: Gr\xc3\xbc\xc3\x9f"
        "e \xe6\x97\xa5\xe6\x9c\xac\r\n"
        "\r\n"
        "..leading dot\r\n"
        "...two dots\r\n"
        "..\r\n"
        "tail \xff\x80 raw 8-bit\r\n"
        ".\r\n");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 1");
    EXPECT_REPLY(c->cmd("QUIT"), 221, "221 2.0.0 mx.test closing connection");
    EXPECT_TRUE(c->closed());

    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message,
              "Subject: Gr\xc3\xbc\xc3\x9f"
              "e \xe6\x97\xa5\xe6\x9c\xac\r\n"
              "\r\n"
              ".leading dot\r\n"
              "..two dots\r\n"
              ".\r\n"
              "tail \xff\x80 raw 8-bit\r\n");
    EXPECT_EQ(d[0].env.helo, "client.example");
    EXPECT_EQ(d[0].env.mail_from, "alice@example.org");
    EXPECT_EQ(d[0].env.rcpts, (std::vector<std::string>{"bob@example.com", "jörg@bücher.example"}));
    EXPECT_TRUE(d[0].env.remote_address.starts_with("127.0.0.1:")) << d[0].env.remote_address;
    EXPECT_FALSE(d[0].env.tls);
    EXPECT_TRUE(d[0].env.smtputf8);
    EXPECT_TRUE(d[0].env.eight_bit);
}

TEST_F(SmtpServerTest, NullSenderAndTerminatorSplitAcrossWrites) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("mail from:<>").code, 250);
    EXPECT_EQ(c->cmd("rcpt to:<bob@example.com>").code, 250);
    EXPECT_EQ(c->cmd("data").code, 354);
    for (const char* piece : {"line one\r", "\n.", ".x\r\n", "\r", "\n", ".", "\r", "\n"}) {
        c->send(piece);
        std::this_thread::sleep_for(20ms);  // make each piece its own segment
    }
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 1");
    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].env.mail_from, "");
    EXPECT_FALSE(d[0].env.smtputf8);
    EXPECT_FALSE(d[0].env.eight_bit);
    EXPECT_EQ(d[0].message, "line one\r\n.x\r\n\r\n");
}

TEST_F(SmtpServerTest, EhloAdvertisesExtensionsAndSimpleCommands) {
    Start();
    auto c = Connect("");
    const Response r = c->cmd("ehlo client.example");
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.lines.front(), "250-mx.test");
    EXPECT_TRUE(r.has_line("PIPELINING")) << r.text();
    EXPECT_TRUE(r.has_line("SIZE 26214400")) << r.text();
    EXPECT_TRUE(r.has_line("8BITMIME")) << r.text();
    EXPECT_TRUE(r.has_line("SMTPUTF8")) << r.text();
    EXPECT_TRUE(r.has_line("ENHANCEDSTATUSCODES")) << r.text();
    EXPECT_FALSE(r.has_line("STARTTLS")) << "no certificate configured";
    EXPECT_EQ(r.lines.back()[3], ' ');

    EXPECT_REPLY(c->cmd("HELO client.example"), 250, "250 mx.test");
    EXPECT_REPLY(c->cmd("NoOp"), 250, "250 2.0.0 OK");
    EXPECT_EQ(c->cmd("VRFY bob").code, 252);
    EXPECT_EQ(c->cmd("HELP").code, 214);
    EXPECT_EQ(c->cmd("EXPN staff").code, 502);
    EXPECT_EQ(c->cmd("STARTTLS").code, 502);
    EXPECT_REPLY(c->cmd("FROB"), 500, "500 5.5.2 Command unrecognized");
    EXPECT_EQ(c->cmd("QUIT").code, 221);
}

TEST_F(SmtpServerTest, UnknownRecipientRefusedWithHandlersReply) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<alice@example.org>").code, 250);
    EXPECT_REPLY(c->cmd("RCPT TO:<nobody@example.com>"), 550, "550 5.1.1 no such user");
    EXPECT_REPLY(c->cmd("DATA"), 554, "554 5.5.1 No valid recipients");
    EXPECT_REPLY(c->cmd("RCPT TO:<throw@example.com>"), 451,
                 "451 4.3.0 Temporary failure checking recipient");
    EXPECT_EQ(c->cmd("RCPT TO:<bob@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("hi\r\n.\r\n");
    EXPECT_EQ(c->read_reply().code, 250);
    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].env.rcpts, std::vector<std::string>{"bob@example.com"});
}

TEST_F(SmtpServerTest, PipelinedCommandsInOneWrite) {
    Start();
    auto c = Connect();
    c->send(
        "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<nobody@example.com>\r\n"
        "RCPT TO:<c@example.com>\r\nDATA\r\n");
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 550);
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 354);
    // The end of one message and the next transaction in a single segment.
    c->send("first\r\n.\r\nMAIL FROM:<d@example.org>\r\nRCPT TO:<e@example.com>\r\nDATA\r\n");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 1");
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 354);
    c->send("second\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 2");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 OK");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 OK");
    EXPECT_EQ(c->read_reply().code, 221);
    EXPECT_TRUE(c->closed());

    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].message, "first\r\n");
    EXPECT_EQ(d[0].env.rcpts, (std::vector<std::string>{"b@example.com", "c@example.com"}));
    EXPECT_EQ(d[1].message, "second\r\n");
    EXPECT_EQ(d[1].env.mail_from, "d@example.org");
}

TEST_F(SmtpServerTest, RsetClearsTransaction) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_REPLY(c->cmd("RSET"), 250, "250 2.0.0 OK");
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 503);
    EXPECT_EQ(c->cmd("DATA").code, 503);
    EXPECT_EQ(c->cmd("MAIL FROM:<x@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<y@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("body\r\n.\r\n");
    EXPECT_EQ(c->read_reply().code, 250);
    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].env.mail_from, "x@example.org");
    EXPECT_EQ(d[0].env.rcpts, std::vector<std::string>{"y@example.com"});
}

TEST_F(SmtpServerTest, DeclaredSizeOverLimitRefused) {
    ServerOptions o = Options();
    o.max_message_size = 1000;
    Start(o);
    auto c = Connect("");
    EXPECT_TRUE(c->cmd("EHLO c").has_line("SIZE 1000"));
    EXPECT_REPLY(c->cmd("MAIL FROM:<a@example.org> SIZE=1001"), 552,
                 "552 5.3.4 Message size exceeds fixed maximum message size");
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> SIZE=abc").code, 501);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> SIZE=99999999999999999999999999").code, 501);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> SIZE=1000").code, 250);
}

TEST_F(SmtpServerTest, OversizeBodyRejectedAfterDataAndNotStored) {
    ServerOptions o = Options();
    o.max_message_size = 1000;
    Start(o);
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    std::string body;
    for (int i = 0; i < 500; ++i) body += std::string(100, 'x') + "\r\n";  // ~51 KB
    c->send(body + ".\r\n");
    EXPECT_REPLY(c->read_reply(), 552, "552 5.3.4 Message size exceeds fixed maximum message size");
    EXPECT_TRUE(handler_.deliveries().empty());
    // The session is still in sync: a fitting message goes through.
    EXPECT_EQ(c->cmd("NOOP").code, 250);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("small\r\n.\r\n");
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(handler_.deliveries().size(), 1u);
}

TEST_F(SmtpServerTest, ReplyOnlyAfterDoneFromAnotherThread) {
    handler_.delay = 400ms;
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    const auto sent = std::chrono::steady_clock::now();
    c->send("body\r\n.\r\nNOOP\r\n");  // the NOOP must wait for the delivery reply
    const Response r = c->read_reply();
    EXPECT_TRUE(handler_.done_fired.load()) << "reply sent before done()";
    EXPECT_GE(std::chrono::steady_clock::now() - sent, 350ms);
    EXPECT_REPLY(r, 250, "250 2.0.0 queued later as 1");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 OK");
}

TEST_F(SmtpServerTest, SecondDoneCallIgnored) {
    handler_.call_done_twice = true;
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("body\r\n.\r\n");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 1");
    EXPECT_REPLY(c->cmd("NOOP"), 250, "250 2.0.0 OK");
}

TEST_F(SmtpServerTest, BadSequence) {
    Start();
    auto c = Connect("");
    EXPECT_REPLY(c->cmd("MAIL FROM:<a@example.org>"), 503, "503 5.5.1 Send HELO/EHLO first");
    EXPECT_EQ(c->cmd("EHLO c").code, 250);
    EXPECT_REPLY(c->cmd("RCPT TO:<b@example.com>"), 503, "503 5.5.1 Need MAIL command");
    EXPECT_REPLY(c->cmd("DATA"), 503, "503 5.5.1 Need MAIL command");
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_REPLY(c->cmd("MAIL FROM:<a@example.org>"), 503, "503 5.5.1 Nested MAIL command");
    // EHLO resets the transaction.
    EXPECT_EQ(c->cmd("EHLO c").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 503);
}

TEST_F(SmtpServerTest, SyntaxErrors) {
    Start();
    auto c = Connect();
    EXPECT_REPLY(c->cmd("MAIL FROM:<broken"), 501, "501 5.5.4 Syntax: MAIL FROM:<address>");
    EXPECT_EQ(c->cmd("MAIL TO:<a@example.org>").code, 501);
    EXPECT_EQ(c->cmd("EHLO").code, 501);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> FOO=1").code, 555);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> BODY=BINARYMIME").code, 555);
    EXPECT_REPLY(c->cmd("MAIL FROM:<j\xc3\xb6rg@example.org>"), 553,
                 "553 5.6.7 Non-ASCII address requires SMTPUTF8");
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<>").code, 501);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com> NOTIFY=NEVER").code, 555);
    EXPECT_EQ(c->cmd("DATA now").code, 501);
    EXPECT_EQ(c->cmd("RSET please").code, 501);
    // MAIL parameters need EHLO.
    EXPECT_EQ(c->cmd("HELO c").code, 250);
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org> SIZE=10").code, 555);
}

TEST_F(SmtpServerTest, MaxRecipients) {
    ServerOptions o = Options();
    o.max_recipients = 2;
    Start(o);
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<c@example.com>").code, 250);
    EXPECT_REPLY(c->cmd("RCPT TO:<d@example.com>"), 452, "452 4.5.3 Too many recipients");
}

TEST_F(SmtpServerTest, IdleTimeout) {
    ServerOptions o = Options();
    o.idle_timeout = 1s;
    Start(o);
    auto c = Connect();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c->read_line(), "421 4.4.2 mx.test Error: timeout exceeded");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
    EXPECT_TRUE(c->closed());
}

TEST_F(SmtpServerTest, MaxConnections) {
    ServerOptions o = Options();
    o.max_connections = 1;
    Start(o);
    auto first = Connect();
    Client second(port());
    EXPECT_EQ(second.read_line(), "421 4.7.0 mx.test Too many connections, try again later");
    EXPECT_TRUE(second.closed());
    EXPECT_EQ(first->cmd("QUIT").code, 221);
    EXPECT_TRUE(first->closed());
    first.reset();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server_->active_sessions() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    Client third(port());
    EXPECT_EQ(third.read_reply().code, 220);
}

TEST_F(SmtpServerTest, StartTls) {
    const TlsFiles& files = tls_files();
    if (!files.ok) GTEST_SKIP() << "openssl could not create a test certificate";
    ServerOptions o = Options();
    o.tls_cert_file = files.cert;
    o.tls_key_file = files.key;
    Start(o);
    auto c = Connect("");
    EXPECT_TRUE(c->cmd("EHLO c").has_line("STARTTLS"));
    // A command pipelined after STARTTLS in plaintext must be dropped (CVE-2011-0411).
    c->send("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n");
    EXPECT_REPLY(c->read_reply(), 220, "220 2.0.0 Ready to start TLS");
    c->start_tls();
    // State was reset by the handshake: EHLO is required again.
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 503);
    const Response ehlo = c->cmd("EHLO c");
    EXPECT_EQ(ehlo.code, 250) << ehlo.text();
    EXPECT_TRUE(ehlo.has_line("PIPELINING")) << ehlo.text();
    EXPECT_FALSE(ehlo.has_line("STARTTLS")) << ehlo.text();
    EXPECT_REPLY(c->cmd("STARTTLS"), 503, "503 5.5.1 TLS already active");
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("secret\r\n.\r\n");
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->cmd("QUIT").code, 221);
    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_TRUE(d[0].env.tls);
    EXPECT_EQ(d[0].env.mail_from, "a@example.org");
    EXPECT_EQ(d[0].message, "secret\r\n");
}

TEST_F(SmtpServerTest, BadTlsHandshakeClosesOnlyThatConnection) {
    const TlsFiles& files = tls_files();
    if (!files.ok) GTEST_SKIP() << "openssl could not create a test certificate";
    ServerOptions o = Options();
    o.tls_cert_file = files.cert;
    o.tls_key_file = files.key;
    Start(o);
    auto c = Connect();
    EXPECT_EQ(c->cmd("STARTTLS").code, 220);
    c->send("this is not a TLS ClientHello\r\n");
    EXPECT_TRUE(c->closed());
    auto ok = Connect();
    EXPECT_EQ(ok->cmd("NOOP").code, 250);
}

TEST_F(SmtpServerTest, StartFailuresThrowReadableErrors) {
    Start();
    ServerOptions same = Options();
    same.port = port();
    Server clash(io_, same, handler_);
    try {
        clash.start();
        ADD_FAILURE() << "binding a used port must throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("bind"), std::string::npos) << e.what();
    }
    ServerOptions tls = Options();
    tls.tls_cert_file = "/nonexistent/cert.pem";
    tls.tls_key_file = "/nonexistent/key.pem";
    Server bad_cert(io_, tls, handler_);
    EXPECT_THROW(bad_cert.start(), std::runtime_error);
}

TEST_F(SmtpServerTest, OverlongCommandLinesAreErrorsNotCrashes) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("NOOP " + std::string(505, 'a')).code, 250);  // 510 octets: allowed
    EXPECT_REPLY(c->cmd("NOOP " + std::string(506, 'a')), 500, "500 5.5.2 Line too long");
    EXPECT_REPLY(c->cmd("NOOP " + std::string(200000, 'a')), 500, "500 5.5.2 Line too long");
    EXPECT_EQ(c->cmd("NOOP").code, 250);
}

TEST_F(SmtpServerTest, OverlongDataLineRejected) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    c->send("ok\r\n" + std::string(998, 'y') + "\r\n" + std::string(999, 'z') + "\r\n.\r\n");
    EXPECT_REPLY(c->read_reply(), 554, "554 5.6.0 Message has a line longer than 1000 octets");
    EXPECT_TRUE(handler_.deliveries().empty());
    EXPECT_EQ(c->cmd("NOOP").code, 250);
}

TEST_F(SmtpServerTest, BareLfInDataStoredAsCrlfAndNoSmuggling) {
    Start();
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
    EXPECT_EQ(c->cmd("RCPT TO:<b@example.com>").code, 250);
    EXPECT_EQ(c->cmd("DATA").code, 354);
    // "<LF>.<LF>" is not an end of data; what follows it stays message content.
    c->send("Subject: x\n\nbody\n.\nMAIL FROM:<evil@example.org>\r\n.\r\n");
    EXPECT_REPLY(c->read_reply(), 250, "250 2.0.0 queued as 1");
    EXPECT_EQ(c->cmd("NOOP").code, 250);
    const auto d = handler_.deliveries();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "Subject: x\r\n\r\nbody\r\n\r\nMAIL FROM:<evil@example.org>\r\n");
}

TEST_F(SmtpServerTest, BinaryGarbageDoesNotCrash) {
    Start();
    {
        Client c(port());
        EXPECT_EQ(c.read_reply().code, 220);
        std::mt19937 rng(1234);
        std::string junk(256 * 1024, '\0');
        for (char& ch : junk) ch = static_cast<char>(rng());
        try {
            c.send(junk);  // the server may hang up before reading it all
        } catch (const boost::system::system_error&) {
        }
        EXPECT_TRUE(c.closed()) << "too many errors should end the session";
    }
    {
        Client c(port());
        EXPECT_EQ(c.read_reply().code, 220);
        c.send(std::string("\0\0\0\r\n\xff\xfe\r\nEHLO \x01\r\n", 17));
        EXPECT_EQ(c.read_reply().code, 500);
        EXPECT_EQ(c.read_reply().code, 500);
        EXPECT_EQ(c.read_reply().code, 501);
    }
    // The server still works.
    auto c = Connect();
    EXPECT_EQ(c->cmd("MAIL FROM:<a@example.org>").code, 250);
}

TEST_F(SmtpServerTest, StopSaysGoodbyeToIdleSessions) {
    Start();
    auto c = Connect();
    server_->stop();
    EXPECT_EQ(c->read_line(), "421 4.3.2 mx.test Service shutting down");
    EXPECT_TRUE(c->closed());
}

TEST_F(SmtpServerTest, ManyConcurrentClients) {
    Start();
    constexpr int kClients = 16, kMessages = 5;
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([&, i] {
            try {
                Client c(port());
                if (c.read_reply().code != 220 || c.cmd("EHLO c" + std::to_string(i)).code != 250)
                    return;
                for (int m = 0; m < kMessages; ++m) {
                    c.send("MAIL FROM:<s" + std::to_string(i) +
                           "@example.org>\r\n"
                           "RCPT TO:<r@example.com>\r\nDATA\r\n");
                    if (c.read_reply().code != 250 || c.read_reply().code != 250 ||
                        c.read_reply().code != 354)
                        return;
                    c.send("message " + std::to_string(m) + "\r\n.\r\n");
                    if (c.read_reply().code != 250) return;
                }
                if (c.cmd("QUIT").code == 221) ++ok;
            } catch (const std::exception&) {
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok.load(), kClients);
    EXPECT_EQ(handler_.deliveries().size(), static_cast<std::size_t>(kClients * kMessages));
}

}  // namespace
}  // namespace cis::smtp
