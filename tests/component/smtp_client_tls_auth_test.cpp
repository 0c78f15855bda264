// The SMTP relay client's STARTTLS (certificates made with openssl for the test) and AUTH
// PLAIN/LOGIN against the scripted aiosmtpd server on loopback.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/relay_fixture.hpp"

namespace cis::test {
namespace {

using Tls = smtp::RelayOptions::Tls;

// Two self-signed certificates made once per run: one naming 127.0.0.1 (the host the client
// connects to), one naming some other host.
struct Certificates {
    Certificates() {
        const std::string d = dir.path.string();
        const auto make = [&](const std::string& name, const std::string& san) {
            const std::string cmd = "cd '" + d +
                                    "' && openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
                                    "-subj /CN=" +
                                    name + " -addext subjectAltName=" + san + " -keyout " + name +
                                    ".key -out " + name + ".pem >/dev/null 2>&1";
            return std::system(cmd.c_str()) == 0;
        };
        ok = make("localhost", "IP:127.0.0.1,DNS:localhost") &&
             make("other.example", "DNS:other.example");
    }
    std::string cert(const std::string& name) const {
        return (dir.path / (name + ".pem")).string();
    }
    std::string key(const std::string& name) const { return (dir.path / (name + ".key")).string(); }
    TempDir dir;
    bool ok = false;
};

const Certificates& certificates() {
    static const Certificates c;
    return c;
}

class SmtpClientTls : public RelayFixture {
  protected:
    void SetUp() override {
        ASSERT_TRUE(certificates().ok) << "openssl could not make the certificates";
    }

    std::vector<std::string> TlsArgs(const std::string& name = "localhost") const {
        return {"--tls", certificates().cert(name), certificates().key(name)};
    }

    smtp::RelayOptions TlsOptions(unsigned short port, Tls tls) const {
        smtp::RelayOptions o = Options(port);
        o.tls = tls;
        o.ca_file = certificates().cert("localhost");
        return o;
    }
};

TEST_F(SmtpClientTls, RequiredWithTrustedCertificate) {
    const unsigned short port = StartScripted(TlsArgs());
    ASSERT_NE(port, 0);
    StartClient(TlsOptions(port, Tls::Required));
    const DeliveryResult r = Send("a@example.com", Message("secret"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    EXPECT_EQ(Send("b@example.com", Message("again")).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_TRUE(records[0]["tls"].get<bool>());
    EXPECT_EQ(records[0]["peer"], records[1]["peer"]);
    EXPECT_EQ(Data(records[0]), Message("secret"));
}

TEST_F(SmtpClientTls, OpportunisticUsesTlsWhenOffered) {
    const unsigned short port = StartScripted(TlsArgs());
    ASSERT_NE(port, 0);
    StartClient(TlsOptions(port, Tls::Opportunistic));
    EXPECT_EQ(Send("a@example.com", Message("x")).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0]["tls"].get<bool>());
}

TEST_F(SmtpClientTls, OpportunisticSendsPlainWhenNotOffered) {
    const unsigned short port = StartScripted({});
    ASSERT_NE(port, 0);
    StartClient(TlsOptions(port, Tls::Opportunistic));
    EXPECT_EQ(Send("a@example.com", Message("x")).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(records[0]["tls"].get<bool>());
}

TEST_F(SmtpClientTls, RequiredButNotOfferedDefers) {
    const unsigned short port = StartScripted({});
    ASSERT_NE(port, 0);
    StartClient(TlsOptions(port, Tls::Required));
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "starttls");
    EXPECT_NE(r.text.find("TLS is required but 127.0.0.1:"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("does not offer STARTTLS"), std::string::npos) << r.text;
    EXPECT_TRUE(Records().empty());
}

TEST_F(SmtpClientTls, UntrustedCertificateDefers) {
    const unsigned short port = StartScripted(TlsArgs());
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = TlsOptions(port, Tls::Opportunistic);
    o.ca_file.clear();  // the system's CAs do not know our self-signed certificate
    StartClient(o);
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "starttls");
    EXPECT_NE(r.text.find("TLS handshake with 127.0.0.1:"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("self-signed certificate"), std::string::npos) << r.text;
    EXPECT_TRUE(Records().empty());
}

TEST_F(SmtpClientTls, CertificateForAnotherHostDefers) {
    const unsigned short port = StartScripted(TlsArgs("other.example"));
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = TlsOptions(port, Tls::Required);
    o.ca_file = certificates().cert("other.example");  // trusted, but not for 127.0.0.1
    StartClient(o);
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "starttls");
    EXPECT_NE(r.text.find("mismatch"), std::string::npos) << r.text;
}

TEST_F(SmtpClientTls, VerificationOffAcceptsAnyCertificate) {
    const unsigned short port = StartScripted(TlsArgs("other.example"));
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = TlsOptions(port, Tls::Required);
    o.ca_file.clear();
    o.verify_certificate = false;
    StartClient(o);
    EXPECT_EQ(Send("a@example.com", Message("x")).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0]["tls"].get<bool>());
}

TEST_F(SmtpClientTls, UnreadableCaFileIsRefusedAtConstruction) {
    smtp::RelayOptions o = Options(25);
    o.tls = Tls::Required;
    o.ca_file = (dir_.path / "missing.pem").string();
    EXPECT_THROW(smtp::RelayClient(io_, o), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------

class SmtpClientAuth : public SmtpClientTls {
  protected:
    smtp::RelayOptions AuthOptions(unsigned short port, const std::string& password) const {
        smtp::RelayOptions o = Options(port);
        o.username = "cis-relay";
        o.password = password;
        return o;
    }
};

TEST_F(SmtpClientAuth, PlainPreferred) {
    const unsigned short port = StartScripted({"--auth", "cis-relay:s3cret"});
    ASSERT_NE(port, 0);
    StartClient(AuthOptions(port, "s3cret"));
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    const auto auths = Records("auth");
    ASSERT_EQ(auths.size(), 1u);
    EXPECT_EQ(auths[0]["mechanism"], "PLAIN");
    EXPECT_TRUE(auths[0]["ok"].get<bool>());
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["user"], "cis-relay");
}

TEST_F(SmtpClientAuth, LoginWhenPlainIsNotOffered) {
    const unsigned short port =
        StartScripted({"--auth", "cis-relay:s3cret", "--auth-mechanisms", "LOGIN"});
    ASSERT_NE(port, 0);
    StartClient(AuthOptions(port, "s3cret"));
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    const auto auths = Records("auth");
    ASSERT_EQ(auths.size(), 1u);
    EXPECT_EQ(auths[0]["mechanism"], "LOGIN");
    EXPECT_EQ(Records().size(), 1u);
}

class SmtpClientAuthWrongPassword : public SmtpClientAuth,
                                    public ::testing::WithParamInterface<const char*> {};

INSTANTIATE_TEST_SUITE_P(Mechanism, SmtpClientAuthWrongPassword,
                         ::testing::Values("PLAIN", "LOGIN"));

TEST_P(SmtpClientAuthWrongPassword, FailsEveryQueuedMessage) {
    const unsigned short port =
        StartScripted({"--auth", "cis-relay:s3cret", "--auth-mechanisms", GetParam()});
    ASSERT_NE(port, 0);
    StartClient(AuthOptions(port, "wrong"));
    Results results(3);
    for (std::size_t i = 0; i < 3; ++i)
        client_->send({"a@cis.example", "b@example.com"}, Message("x"), results.callback(i));
    ASSERT_TRUE(results.wait(20s));
    for (std::size_t i = 0; i < 3; ++i) {
        const DeliveryResult r = results.at(i);
        EXPECT_EQ(r.status, Status::Failed) << describe(r);
        EXPECT_EQ(r.code, 535);
        EXPECT_EQ(r.enhanced, "5.7.8");
        EXPECT_EQ(r.stage, "auth");
        EXPECT_EQ(r.text, "Authentication credentials invalid");
    }
    const auto auths = Records("auth");
    ASSERT_FALSE(auths.empty());
    EXPECT_EQ(auths[0]["mechanism"], GetParam());
    EXPECT_FALSE(auths[0]["ok"].get<bool>());
    EXPECT_TRUE(Records().empty());
}

TEST_F(SmtpClientAuth, AfterStartTls) {
    auto args = TlsArgs();
    args.insert(args.end(), {"--auth", "cis-relay:s3cret", "--auth-require-tls"});
    const unsigned short port = StartScripted(args);
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = AuthOptions(port, "s3cret");
    o.tls = Tls::Required;
    o.ca_file = certificates().cert("localhost");
    StartClient(o);
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0]["tls"].get<bool>());
    EXPECT_EQ(records[0]["user"], "cis-relay");
}

TEST_F(SmtpClientAuth, NoAuthOfferedDefers) {
    const unsigned short port = StartScripted({});
    ASSERT_NE(port, 0);
    StartClient(AuthOptions(port, "s3cret"));
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "auth");
    EXPECT_NE(r.text.find("neither AUTH PLAIN nor AUTH LOGIN (no AUTH at all)"), std::string::npos)
        << r.text;
}

}  // namespace
}  // namespace cis::test
