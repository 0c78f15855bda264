#pragma once
// A GoogleTest fixture for the SMTP relay client against real servers on loopback: an
// io_context with two threads, the client, synchronous send helpers, and the scripted aiosmtpd
// server of tests/support/relay_test_server.py. Everything is stopped in TearDown, also when an
// assertion failed half-way. Header-only (each test binary links only test_support.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "smtp/client.hpp"
#include "support/child_process.hpp"
#include "support/test_support.hpp"

namespace cis::test {

using namespace std::chrono_literals;
using smtp::DeliveryResult;
using Status = smtp::DeliveryResult::Status;

inline const char* status_name(Status s) {
    return s == Status::Sent ? "Sent" : s == Status::Deferred ? "Deferred" : "Failed";
}

// For failure messages: everything a result says.
inline std::string describe(const DeliveryResult& r) {
    return std::string(status_name(r.status)) + " " + std::to_string(r.code) + " [" + r.enhanced +
           "] at " + r.stage + ": " + r.text;
}

// Collects the results of many sends, and notices a done() called more than once. The state
// is shared with the callbacks, so a late callback after a failed wait is harmless.
class Results {
  public:
    explicit Results(std::size_t n) : s_(std::make_shared<State>(n)) {}

    std::function<void(DeliveryResult)> callback(std::size_t i) {
        return [s = s_, i](DeliveryResult r) {
            std::lock_guard lock(s->mu);
            if (s->calls[i]++ == 0) s->results[i] = std::move(r);
            ++s->total;
            s->cv.notify_all();
        };
    }
    // True when every send has completed within `timeout`.
    bool wait(std::chrono::milliseconds timeout) {
        std::unique_lock lock(s_->mu);
        return s_->cv.wait_for(lock, timeout, [&] { return s_->total >= s_->results.size(); });
    }
    DeliveryResult at(std::size_t i) {
        std::lock_guard lock(s_->mu);
        return s_->results[i].value_or(DeliveryResult{});
    }
    std::size_t calls(std::size_t i) {
        std::lock_guard lock(s_->mu);
        return s_->calls[i];
    }

  private:
    struct State {
        explicit State(std::size_t n) : results(n), calls(n, 0) {}
        std::mutex mu;
        std::condition_variable cv;
        std::vector<std::optional<DeliveryResult>> results;
        std::vector<std::size_t> calls;
        std::size_t total = 0;
    };
    std::shared_ptr<State> s_;
};

class RelayFixture : public ::testing::Test {
  protected:
    // Loopback, no TLS, short timeouts so that a broken test fails fast.
    smtp::RelayOptions Options(unsigned short port) const {
        smtp::RelayOptions o;
        o.host = "127.0.0.1";
        o.port = port;
        o.tls = smtp::RelayOptions::Tls::Off;
        o.helo_name = "cis.test";
        o.connections = 1;
        o.connect_timeout = 5s;
        o.command_timeout = 5s;
        return o;
    }

    void StartClient(smtp::RelayOptions o) {
        client_ = std::make_unique<smtp::RelayClient>(io_, std::move(o));
        guard_.emplace(io_.get_executor());
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    }

    void TearDown() override {
        if (client_) {
            client_->close();
            const auto deadline = std::chrono::steady_clock::now() + 20s;
            while (client_->active_connections() > 0 && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(10ms);
            if (client_->active_connections() > 0) {
                ADD_FAILURE() << "relay connections still alive 20 s after close()";
                io_.stop();
            }
        }
        guard_.reset();
        for (auto& t : threads_) t.join();
        client_.reset();
        server_.stop();
    }

    // One message, waited for (a hang fails the test instead of blocking it).
    DeliveryResult Send(const std::string& rcpt, const std::string& data,
                        const std::string& from = "organizer@cis.example") {
        auto promise = std::make_shared<std::promise<DeliveryResult>>();
        std::future<DeliveryResult> future = promise->get_future();
        client_->send({from, rcpt}, data, [promise](DeliveryResult r) { promise->set_value(r); });
        if (future.wait_for(60s) != std::future_status::ready) {
            ADD_FAILURE() << "send to " << rcpt << " did not complete within 60 s";
            return DeliveryResult{};
        }
        return future.get();
    }

    static std::string Message(const std::string& subject, const std::string& body = "Hello.\r\n") {
        return "From: CIS <organizer@cis.example>\r\nTo: someone@example.com\r\nSubject: " +
               subject + "\r\nMessage-ID: <" + std::to_string(std::hash<std::string>{}(subject)) +
               "@cis.example>\r\n\r\n" + body;
    }

    // Starts tests/support/relay_test_server.py with `args`; returns its port (0 on failure,
    // after a test failure has been recorded).
    unsigned short StartScripted(std::vector<std::string> args) {
        if (!std::filesystem::exists("/usr/bin/python3")) {
            ADD_FAILURE() << "/usr/bin/python3 is missing";
            return 0;
        }
        // Next to this header (CMake compiles with absolute paths); not via CIS_FIXTURES_DIR,
        // which tests/CMakeLists.txt currently drops (a ';' in the ENVIRONMENT list).
        const auto script = std::filesystem::path(__FILE__).parent_path() / "relay_test_server.py";
        std::vector<std::string> argv = {"/usr/bin/python3", script.string(), "--record",
                                         (dir_.path / "records.jsonl").string()};
        argv.insert(argv.end(), args.begin(), args.end());
        server_.start(argv, dir_.path / "server.log");
        const std::optional<std::string> line = server_.read_line(20s);
        if (!line || !line->starts_with("PORT ")) {
            ADD_FAILURE() << "scripted server did not start (python3-aiosmtpd installed?): "
                          << ServerLog();
            return 0;
        }
        return static_cast<unsigned short>(std::stoi(line->substr(5)));
    }

    std::string ServerLog() const {
        std::ifstream in(dir_.path / "server.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // The scripted server's records of one kind ("message", "auth"), in order.
    std::vector<nlohmann::json> Records(const std::string& event = "message") const {
        std::vector<nlohmann::json> out;
        std::ifstream in(dir_.path / "records.jsonl");
        for (std::string line; std::getline(in, line);) {
            nlohmann::json j = nlohmann::json::parse(line);
            if (j["event"] == event) out.push_back(std::move(j));
        }
        return out;
    }

    // The bytes of a "message" record as the server received them (dot-unstuffed).
    static std::string Data(const nlohmann::json& record) {
        const std::string hex = record["data_hex"];
        std::string out;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        return out;
    }

    TempDir dir_;
    ChildProcess server_;
    boost::asio::io_context io_;
    std::unique_ptr<smtp::RelayClient> client_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
    std::vector<std::thread> threads_;
};

}  // namespace cis::test
