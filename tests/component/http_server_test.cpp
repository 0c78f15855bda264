// The HTTP server over real TCP on 127.0.0.1 (port 0), driven by a small blocking client, and
// once by curl for interoperability.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "http/router.hpp"
#include "http/server.hpp"
#include "support/gunzip.hpp"

namespace cis::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using nlohmann::json;
using namespace std::chrono_literals;

std::string page_html() {
    std::string s = "<!doctype html><title>Season</title><ul>";
    for (int i = 0; i < 2000; ++i) s += "<li class=\"event\">Game " + std::to_string(i) + "</li>";
    return s + "</ul>";
}

// ---------------------------------------------------------------------------------------------
// A blocking HTTP/1.1 client. Every operation runs on a private io_context with a timeout, so
// a misbehaving server fails the test instead of hanging it.

struct Reply {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::string header(const std::string& name) const {
        for (const auto& [n, v] : headers)
            if (strcasecmp(n.c_str(), name.c_str()) == 0) return v;
        return {};
    }
    bool has_header(const std::string& name) const {
        for (const auto& [n, v] : headers)
            if (strcasecmp(n.c_str(), name.c_str()) == 0) return true;
        return false;
    }
    json body_json() const { return json::parse(body); }
    std::string code() const { return body_json().at("error").at("code"); }
};

std::string request(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& extra = "") {
    std::string r = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra;
    if (!body.empty() || method == "POST")
        r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

class Client {
  public:
    explicit Client(unsigned short port) : sock_(io_) {
        const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        run([&](auto h) { sock_.async_connect(ep, h); });
    }

    void send(const std::string& data) {
        run([&](auto h) { asio::async_write(sock_, asio::buffer(data), h); });
    }

    // One response; `head`: the request was HEAD, so no body follows the header.
    Reply read_reply(bool head = false) {
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos) read_more();
        std::istringstream lines(buf_.substr(0, end));
        buf_.erase(0, end + 4);
        Reply r;
        std::string line;
        std::getline(lines, line);
        r.status = std::atoi(line.substr(9, 3).c_str());
        while (std::getline(lines, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            const auto colon = line.find(':');
            r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
        }
        if (head || r.status < 200 || r.status == 204 || r.status == 304) return r;
        const std::size_t length = std::stoul(r.header("Content-Length"));
        while (buf_.size() < length) read_more();
        r.body = buf_.substr(0, length);
        buf_.erase(0, length);
        return r;
    }

    Reply roundtrip(const std::string& req, bool head = false) {
        send(req);
        return read_reply(head);
    }

    // True when the server closes the connection (after any unread bytes) within the timeout.
    bool closed() {
        try {
            while (true) read_more();
        } catch (const boost::system::system_error&) {
            return true;  // EOF or reset
        } catch (const std::runtime_error&) {
            return false;  // timeout
        }
    }

    void close() {
        error_code ec;
        sock_.close(ec);
    }

  private:
    void read_more() {
        std::array<char, 8192> chunk;
        const std::size_t n = run([&](auto h) { sock_.async_read_some(asio::buffer(chunk), h); });
        buf_.append(chunk.data(), n);
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
    std::string buf_;
};

// ---------------------------------------------------------------------------------------------
// Fixture: a server on 127.0.0.1:0 with two io_context threads and a router with the routes
// the tests need; always stopped in TearDown, also when an assertion failed half-way.

class HttpServerTest : public ::testing::Test {
  protected:
    static ServerOptions Options() {
        ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.server_name = "cis-test";
        o.max_body = 64 * 1024;
        return o;
    }

    void SetUp() override {
        router_.add("GET", "/hello", [](const Request&, const Router::Params&, Respond respond) {
            respond(json_response(200, {{"hello", "world"}}));
        });
        router_.add(
            "POST", "/echo", [](const Request& req, const Router::Params&, Respond respond) {
                const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
                if (body.is_discarded()) return respond(json_error(400, "bad_json", "not JSON"));
                respond(json_response(200, {{"got", body}, {"remote", req.remote}}));
            });
        router_.add("GET", "/inspect/{name}",
                    [](const Request& req, const Router::Params& p, Respond respond) {
                        json query = json::array();
                        for (const auto& [k, v] : req.query) query.push_back({k, v});
                        respond(json_response(200, {{"path", req.path},
                                                    {"target", req.target},
                                                    {"name", p.at("name")},
                                                    {"query", query}}));
                    });
        const auto invite = [](const Request& req, const Router::Params& p, Respond respond) {
            respond(json_response(200, {{"method", req.method}, {"id", p.at("id")}}));
        };
        router_.add("GET", "/event/{id}/invite", invite);
        router_.add("POST", "/event/{id}/invite", invite);
        router_.add("GET", "/n/{i}", [](const Request&, const Router::Params& p, Respond respond) {
            respond(json_response(200, {{"n", p.at("i")}}));
        });
        router_.add("GET", "/throw", [](const Request&, const Router::Params&, Respond) {
            throw std::runtime_error("boom");
        });
        router_.add("GET", "/slow/{ms}",
                    [this](const Request&, const Router::Params& p, Respond respond) {
                        const int ms = std::stoi(p.at("ms"));
                        ++slow_started_;
                        std::lock_guard lock(mu_);
                        workers_.emplace_back([respond = std::move(respond), ms] {
                            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                            respond(json_response(200, {{"slept", ms}}));
                        });
                    });
        router_.add("GET", "/never", [this](const Request&, const Router::Params&, Respond r) {
            std::lock_guard lock(mu_);
            never_.push_back(std::move(r));  // kept, never called
        });
        router_.add("GET", "/twice", [](const Request&, const Router::Params&, Respond respond) {
            respond(json_response(200, {{"call", 1}}));
            respond(json_response(500, {{"call", 2}}));
        });
        router_.add("GET", "/badstatus", [](const Request&, const Router::Params&, Respond r) {
            r(Response{42, "text/plain", "what", {}});
        });
        router_.add("GET", "/headers", [](const Request&, const Router::Params&, Respond r) {
            Response resp{200, "text/plain; charset=utf-8", "plain", {}};
            resp.headers = {{"X-Ok", "yes"},
                            {"X-Evil", "a\r\nSet-Cookie: pwned=1"},
                            {"Content-Length", "999"},
                            {"Bad Name", "x"}};
            r(std::move(resp));
        });
        router_.add("GET", "/big", [](const Request&, const Router::Params&, Respond r) {
            r(Response{200, "text/plain", std::string(300 * 1024, 'x'), {}});
        });
        // A page-sized HTML answer from a worker thread, as the public pages' could be.
        router_.add("GET", "/page", [this](const Request&, const Router::Params&, Respond r) {
            std::lock_guard lock(mu_);
            workers_.emplace_back([r = std::move(r)] {
                r(Response{200, "text/html; charset=utf-8", page_html(), {{"ETag", "\"v1\""}}});
            });
        });
        router_.add("DELETE", "/nocontent", [](const Request&, const Router::Params&, Respond r) {
            r(Response{204, "", "ignored", {}});
        });
    }

    void Start(ServerOptions o = Options()) {
        o.on_handler_error = [this](const std::string& what) {
            std::lock_guard lock(mu_);
            handler_errors_.push_back(what);
        };
        server_ = std::make_unique<Server>(io_, std::move(o), [this](Request r, Respond respond) {
            router_.dispatch(std::move(r), std::move(respond));
        });
        server_->start();
        guard_.emplace(io_.get_executor());
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    }

    void TearDown() override {
        JoinWorkers();
        {
            std::lock_guard lock(mu_);
            never_.clear();
        }
        if (server_) server_->stop();
        guard_.reset();
        if (server_ && !WaitIdle(10s)) {
            ADD_FAILURE() << "connections still open 10 s after stop()";
            io_.stop();
        }
        for (auto& t : threads_) t.join();
        server_.reset();
    }

    void JoinWorkers() {
        std::vector<std::thread> workers;
        {
            std::lock_guard lock(mu_);
            workers.swap(workers_);
        }
        for (auto& t : workers) t.join();
    }

    bool WaitIdle(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (server_->active_connections() > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        return server_->active_connections() == 0;
    }

    unsigned short port() const { return server_->port(); }

    Router router_;
    std::mutex mu_;
    std::vector<std::thread> workers_;
    std::vector<Respond> never_;
    std::vector<std::string> handler_errors_;
    std::atomic<int> slow_started_{0};
    asio::io_context io_;
    std::unique_ptr<Server> server_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
    std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------

TEST_F(HttpServerTest, GetJsonHasStandardHeaders) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body_json(), json({{"hello", "world"}}));
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
    EXPECT_EQ(r.header("Server"), "cis-test");
    EXPECT_TRUE(r.header("Date").ends_with(" GMT")) << r.header("Date");
    EXPECT_FALSE(r.has_header("Connection"));  // HTTP/1.1 keeps alive by default
}

TEST_F(HttpServerTest, PostJsonIsEchoed) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(request("POST", "/echo", R"({"email":"a@b.c","n":[1,2]})",
                                        "Content-Type: application/json\r\n"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body_json()["got"], json({{"email", "a@b.c"}, {"n", {1, 2}}}));
    EXPECT_TRUE(r.body_json()["remote"].get<std::string>().starts_with("127.0.0.1:"));
    EXPECT_EQ(c.roundtrip(request("POST", "/echo", "{nope")).code(), "bad_json");
}

TEST_F(HttpServerTest, ChunkedBodyIsDechunked) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body_json()["got"], json({{"a", 1}}));
}

TEST_F(HttpServerTest, QueryAndPercentDecoding) {
    Start();
    Client c(port());
    const Reply r =
        c.roundtrip(request("GET", "/inspect/a%20b%2Fc%C3%A9?x=1&y=a+b&y=%C3%A9%26&flag&=v"));
    ASSERT_EQ(r.status, 200) << r.body;
    const json j = r.body_json();
    EXPECT_EQ(j["name"], "a b/c\xC3\xA9");  // %2F stays inside the parameter
    EXPECT_EQ(j["path"], "/inspect/a b/c\xC3\xA9");
    EXPECT_EQ(j["target"], "/inspect/a%20b%2Fc%C3%A9?x=1&y=a+b&y=%C3%A9%26&flag&=v");
    EXPECT_EQ(j["query"], json::parse(R"([["","v"],["flag",""],["x","1"],["y","a b"],)"
                                      R"(["y","\u00e9&"]])"));
    EXPECT_EQ(c.roundtrip(request("GET", "/inspect/x?bad=%zz")).status, 400);
}

TEST_F(HttpServerTest, RouterParamsNotFoundAndMethodNotAllowed) {
    Start();
    Client c(port());
    Reply r = c.roundtrip(request("POST", "/event/ev%2D1/invite", "{}"));
    EXPECT_EQ(r.body_json(), json({{"method", "POST"}, {"id", "ev-1"}}));
    r = c.roundtrip(request("GET", "/nothing/here"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.code(), "not_found");
    r = c.roundtrip(request("DELETE", "/event/e1/invite"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.code(), "method_not_allowed");
    EXPECT_EQ(r.header("Allow"), "GET, HEAD, POST");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    Start();
    Client c(port());
    for (int i = 0; i < 20; ++i) {
        const Reply r = c.roundtrip(request("GET", "/n/" + std::to_string(i)));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.body_json()["n"], std::to_string(i));
    }
    EXPECT_EQ(server_->active_connections(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    Start();
    Client c(port());
    // One write; a slow asynchronous route in the middle must not let later answers overtake.
    std::string batch;
    for (int i = 0; i < 50; ++i) {
        batch += i == 10 ? request("GET", "/slow/100") : request("GET", "/n/" + std::to_string(i));
    }
    batch += request("GET", "/big");
    batch += request("HEAD", "/hello");
    batch += request("GET", "/n/last");
    c.send(batch);
    for (int i = 0; i < 50; ++i) {
        const Reply r = c.read_reply();
        ASSERT_EQ(r.status, 200) << i;
        if (i == 10)
            EXPECT_EQ(r.body_json()["slept"], 100);
        else
            EXPECT_EQ(r.body_json()["n"], std::to_string(i));
    }
    EXPECT_EQ(c.read_reply().body.size(), 300u * 1024);
    EXPECT_EQ(c.read_reply(/*head=*/true).status, 200);
    EXPECT_EQ(c.read_reply().body_json()["n"], "last");
}

TEST_F(HttpServerTest, HeadKeepsContentLengthWithoutBody) {
    Start();
    Client c(port());
    const Reply get = c.roundtrip(request("GET", "/hello"));
    const Reply head = c.roundtrip(request("HEAD", "/hello"), /*head=*/true);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
    // Had a body been sent, it would now be read as the next response's start.
    const Reply next = c.roundtrip(request("GET", "/n/7"));
    EXPECT_EQ(next.body_json()["n"], "7");
}

TEST_F(HttpServerTest, NoContentHasNoBodyNorLength) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(request("DELETE", "/nocontent"));
    EXPECT_EQ(r.status, 204);
    EXPECT_FALSE(r.has_header("Content-Length"));
    EXPECT_FALSE(r.has_header("Content-Type"));
    EXPECT_EQ(c.roundtrip(request("GET", "/n/1")).status, 200);
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
    Start();
    {
        Client c(port());
        const Reply r = c.roundtrip("GET /hello HTTP/1.0\r\n\r\n");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("Connection"), "close");
        EXPECT_TRUE(c.closed());
    }
    Client c(port());
    const Reply r = c.roundtrip("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(r.header("Connection"), "keep-alive");
    EXPECT_EQ(c.roundtrip("GET /n/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status, 200);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/hello", "", "Connection: close\r\n"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(c.closed());
}

TEST_F(HttpServerTest, ExpectContinue) {
    Start();
    Client c(port());
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 7\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 100);
    c.send(R"({"a":1})");
    EXPECT_EQ(c.read_reply().body_json()["got"], json({{"a", 1}}));
}

TEST_F(HttpServerTest, OversizeBodyIs413WithoutReadingIt) {
    Start();
    Client c(port());
    // Announces 10 MB but sends only the header: the answer must come anyway.
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n{\"a\":");
    const Reply r = c.read_reply();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.code(), "payload_too_large");
    EXPECT_EQ(r.header("Connection"), "close");
    c.close();  // the server would wait up to 2 s for us to finish otherwise

    Client chunked(port());
    std::string big = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i) big += "1000\r\n" + std::string(0x1000, 'x') + "\r\n";
    chunked.send(big);
    EXPECT_EQ(chunked.read_reply().status, 413);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
    Start();
    Client c(port());
    const Reply r =
        c.roundtrip(request("GET", "/hello", "", "X-Big: " + std::string(20000, 'a') + "\r\n"));
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(r.code(), "header_too_large");
    EXPECT_TRUE(c.closed());
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndClose) {
    Start();
    for (const std::string& bad : {
             std::string("GET /hello HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n"),
             std::string("GET /hello HTTP/1.1\r\n\r\n"),  // no Host
             std::string("GET hello HTTP/1.1\r\nHost: t\r\n\r\n"),
             std::string("GET /hello HTTP/2.0\r\nHost: t\r\n\r\n"),
             std::string("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                         "Content-Length: 2\r\n\r\nab"),
             std::string("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip"
                         "\r\n\r\n"),
             std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),  // TLS
             std::string("\xff\xfe\x00garbage\x01\x02\r\n\r\n", 16),
         }) {
        Client c(port());
        const Reply r = c.roundtrip(bad);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_EQ(r.code(), "bad_request");
        EXPECT_EQ(r.header("Connection"), "close");
        EXPECT_TRUE(c.closed());
    }
}

TEST_F(HttpServerTest, HandlerThrowingGives500AndKeepsServing) {
    Start();
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/throw"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.code(), "internal");
    EXPECT_EQ(c.roundtrip(request("GET", "/n/1")).status, 200);
    std::lock_guard lock(mu_);
    EXPECT_EQ(handler_errors_, std::vector<std::string>{"boom"});
}

TEST_F(HttpServerTest, InvalidHandlerResponsesAreContained) {
    Start();
    Client c(port());
    Reply r = c.roundtrip(request("GET", "/twice"));
    EXPECT_EQ(r.body_json()["call"], 1);
    r = c.roundtrip(request("GET", "/badstatus"));
    EXPECT_EQ(r.status, 500);
    r = c.roundtrip(request("GET", "/headers"));
    EXPECT_EQ(r.header("X-Ok"), "yes");
    EXPECT_FALSE(r.has_header("X-Evil"));
    EXPECT_FALSE(r.has_header("Set-Cookie"));
    EXPECT_EQ(r.header("Content-Length"), "5");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.body, "plain");
    EXPECT_EQ(c.roundtrip(request("GET", "/n/1")).status, 200);
}

TEST_F(HttpServerTest, AsyncRespondFromAnotherThread) {
    Start();
    Client c(port());
    const auto t0 = std::chrono::steady_clock::now();
    const Reply r = c.roundtrip(request("GET", "/slow/200"));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 190ms);
    EXPECT_EQ(r.body_json()["slept"], 200);
    EXPECT_EQ(c.roundtrip(request("GET", "/n/1")).status, 200);
}

TEST_F(HttpServerTest, IdleTimeoutClosesAndPartialRequestGets408) {
    ServerOptions o = Options();
    o.idle_timeout = 1s;
    Start(o);
    Client idle(port());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closed());
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);

    Client partial(port());
    partial.send("GET /hello HTTP/1.1\r\nHost:");
    const Reply r = partial.read_reply();
    EXPECT_EQ(r.status, 408);
    EXPECT_EQ(r.code(), "request_timeout");
    EXPECT_TRUE(partial.closed());

    // A header trickling in byte by byte must still arrive within the idle timeout: after
    // 1.5 s of one byte per 50 ms, the 408 is there.
    Client slow(port());
    const std::string req = request("GET", "/hello");
    for (std::size_t i = 0; i < 30; ++i) {
        slow.send(req.substr(i, 1));
        std::this_thread::sleep_for(50ms);
    }
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(slow.read_reply().status, 408);
    EXPECT_LT(std::chrono::steady_clock::now() - t1, 400ms);  // not 1 s after the last byte
}

TEST_F(HttpServerTest, HandlerThatNeverRespondsTimesOut) {
    ServerOptions o = Options();
    o.handler_timeout = 1s;
    Start(o);
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/never"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.code(), "timeout");
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(c.closed());

    // A client that goes away meanwhile does not leave its connection behind either.
    Client gone(port());
    gone.send(request("GET", "/never"));
    gone.close();
    EXPECT_TRUE(WaitIdle(5s));
    // The kept Respond is now harmless.
    std::lock_guard lock(mu_);
    for (auto& respond : never_) respond(json_response(200, {}));
}

TEST_F(HttpServerTest, MaxConnectionsRejectsWith503) {
    ServerOptions o = Options();
    o.max_connections = 2;
    Start(o);
    auto a = std::make_unique<Client>(port());
    Client b(port());
    EXPECT_EQ(a->roundtrip(request("GET", "/hello")).status, 200);
    EXPECT_EQ(b.roundtrip(request("GET", "/hello")).status, 200);
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/hello"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.code(), "unavailable");
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(server_->active_connections(), 2u);

    a.reset();  // frees a slot
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server_->active_connections() > 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    Client d(port());
    EXPECT_EQ(d.roundtrip(request("GET", "/hello")).status, 200);
}

TEST_F(HttpServerTest, StopClosesIdleAndFinishesInFlight) {
    Start();
    Client idle(port());
    EXPECT_EQ(idle.roundtrip(request("GET", "/hello")).status, 200);
    Client busy(port());
    busy.send(request("GET", "/slow/300"));
    while (slow_started_ == 0) std::this_thread::sleep_for(5ms);

    server_->stop();
    EXPECT_TRUE(idle.closed());
    const Reply r = busy.read_reply();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body_json()["slept"], 300);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(busy.closed());
    EXPECT_TRUE(WaitIdle(5s));
    EXPECT_THROW(Client{port()}, boost::system::system_error);  // no longer listening
}

TEST_F(HttpServerTest, StartFailsReadablyWhenPortInUse) {
    Start();
    ServerOptions o = Options();
    o.port = port();
    Server second(io_, o, [](Request, Respond r) { r(Response{}); });
    try {
        second.start();
        FAIL() << "start() on a used port succeeded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("http: cannot bind to 127.0.0.1:"), std::string::npos)
            << e.what();
    }
}

TEST_F(HttpServerTest, GzipForClientsThatTakeIt) {
    Start();
    Client c(port());
    const std::string html = page_html();
    const Reply gz = c.roundtrip(request("GET", "/page", "", "Accept-Encoding: gzip, deflate, br\r\n"));
    EXPECT_EQ(gz.status, 200);
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
    EXPECT_EQ(gz.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(gz.header("ETag"), "W/\"v1\"");
    EXPECT_EQ(gz.header("Content-Length"), std::to_string(gz.body.size()));
    EXPECT_LT(gz.body.size(), html.size() / 5);
    EXPECT_EQ(test::gunzip(gz.body).value_or("(not one gzip member)"), html);
    // HEAD announces the length GET would send.
    const Reply head =
        c.roundtrip(request("HEAD", "/page", "", "Accept-Encoding: gzip\r\n"), /*head=*/true);
    EXPECT_EQ(head.header("Content-Length"), gz.header("Content-Length"));
    // Without the header, or refusing gzip: the bytes as the handler made them.
    for (const std::string extra : {"", "Accept-Encoding: identity\r\n",
                                    "Accept-Encoding: *, gzip;q=0\r\n",
                                    // two lines are one list
                                    "Accept-Encoding: *\r\nAccept-Encoding: gzip;q=0\r\n"}) {
        const Reply plain = c.roundtrip(request("GET", "/page", "", extra));
        EXPECT_EQ(plain.header("Content-Encoding"), "") << extra;
        EXPECT_EQ(plain.header("Vary"), "Accept-Encoding") << extra;
        EXPECT_EQ(plain.header("ETag"), "\"v1\"") << extra;
        EXPECT_EQ(plain.body, html) << extra;
    }
    // Small answers are not worth it.
    const Reply small = c.roundtrip(request("GET", "/hello", "", "Accept-Encoding: gzip\r\n"));
    EXPECT_FALSE(small.has_header("Content-Encoding"));
    EXPECT_EQ(small.body_json()["hello"], "world");
}

TEST_F(HttpServerTest, CompressionLevelZeroTurnsItOff) {
    ServerOptions o = Options();
    o.compression.level = 0;
    Start(o);
    Client c(port());
    const Reply r = c.roundtrip(request("GET", "/page", "", "Accept-Encoding: gzip\r\n"));
    EXPECT_FALSE(r.has_header("Content-Encoding"));
    EXPECT_FALSE(r.has_header("Vary"));
    EXPECT_EQ(r.body, page_html());
}

// Interoperability with a real client: curl reuses the connection, sends HEAD and POST.
TEST_F(HttpServerTest, CurlInterop) {
    if (std::system("command -v curl >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl not installed";
    Start();
    char tmpl[] = "/tmp/cis-http-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::filesystem::path dir = tmpl;
    const std::string base = "http://127.0.0.1:" + std::to_string(port());
    const std::string cmd =
        "cd '" + dir.string() + "' && curl -sS --max-time 10 -w '%{http_code} %{num_connects}\\n'" +
        " -o get.json '" + base + "/hello' --next -sS --max-time 10" +
        " -w '%{http_code} %{num_connects}\\n' -o post.json -H 'Content-Type: application/json'" +
        " --data-binary '{\"x\":\"\xC3\xA9\"}' '" + base + "/echo' > codes.txt" +
        " && curl -sS --max-time 10 -I '" + base + "/hello' > head.txt";
    const int rc = std::system(cmd.c_str());
    auto slurp = [&](const char* name) {
        std::ifstream in(dir / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string codes = slurp("codes.txt"), get = slurp("get.json"),
                      post = slurp("post.json"), head = slurp("head.txt");
    std::filesystem::remove_all(dir);
    ASSERT_EQ(rc, 0) << cmd;
    EXPECT_EQ(codes, "200 1\n200 0\n");  // the second transfer reused the connection
    EXPECT_EQ(json::parse(get), json({{"hello", "world"}}));
    EXPECT_EQ(json::parse(post)["got"]["x"], "\xC3\xA9");
    EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos) << head;
    EXPECT_NE(head.find("Content-Length: 17"), std::string::npos) << head;
}

// curl --compressed asks for gzip and inflates with its own zlib.
TEST_F(HttpServerTest, CurlInteropCompressed) {
    if (std::system("command -v curl >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl not installed";
    Start();
    char tmpl[] = "/tmp/cis-http-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::filesystem::path dir = tmpl;
    const std::string cmd = "cd '" + dir.string() + "' && curl -sS --max-time 10 --compressed" +
                            " -D headers.txt -o page.html http://127.0.0.1:" +
                            std::to_string(port()) + "/page";
    const int rc = std::system(cmd.c_str());
    auto slurp = [&](const char* name) {
        std::ifstream in(dir / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string headers = slurp("headers.txt"), page = slurp("page.html");
    std::filesystem::remove_all(dir);
    ASSERT_EQ(rc, 0) << cmd;
    EXPECT_NE(headers.find("Content-Encoding: gzip"), std::string::npos) << headers;
    EXPECT_EQ(page, page_html());
}

}  // namespace
}  // namespace cis::http
