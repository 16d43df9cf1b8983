// hookme-fakegithub: serves one generated repository through the fake GitHub API (REST, and
// GraphQL user look-ups) on loopback, for benchmarks, demos and trying hookme by hand. Runs until
// killed.
#include "fakegithub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTextStream>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "hookme-fakegithub: " << message << Qt::endl;
    return 1;
}

// A whole number from `minimum` up, or nothing.
std::optional<int> number(const QCommandLineParser &parser, const QString &option, int minimum)
{
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < minimum)
        return std::nullopt;
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"hookme-fakegithub"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Serves one generated repository through a fake GitHub REST API on 127.0.0.1."_s);
    parser.addHelpOption();
    parser.addOptions({
            { u"port"_s, u"Port to listen on (0: any free port)."_s, u"port"_s },
            { u"owner"_s, u"Owner of the repository."_s, u"owner"_s, u"octo-org"_s },
            { u"repo"_s, u"Name of the repository."_s, u"name"_s, u"hello-world"_s },
            { u"id"_s, u"Numeric repository id, used in Link headers."_s, u"id"_s,
              u"1296269"_s },
            { u"issues"_s, u"Number of issues."_s, u"count"_s, u"200"_s },
            { u"pull-requests"_s,
              u"Number of pull requests (default: issues / 4, so every 5th item is one)."_s,
              u"count"_s },
            { u"contributors"_s, u"Number of contributors."_s, u"count"_s, u"40"_s },
            { u"api-prefix"_s,
              u"Serve REST under this path, e.g. /api/v3 as GitHub Enterprise Server does "
              "(GraphQL then moves to /api/graphql)."_s,
              u"path"_s },
            { u"rate-limit"_s,
              u"Enforce a primary quota of this many REST requests per hour (default: 5000, "
              "reported but not enforced)."_s,
              u"count"_s },
            { u"token"_s,
              u"Answer 401 Bad credentials to requests that carry another token."_s,
              u"token"_s },
    });
    parser.process(app);

    if (!parser.isSet(u"port"_s))
        return fail(u"--port is required"_s);
    const auto port = number(parser, u"port"_s, 0);
    const auto id = number(parser, u"id"_s, 1);
    const auto issues = number(parser, u"issues"_s, 0);
    const auto contributors = number(parser, u"contributors"_s, 0);
    if (!port || *port > 65535)
        return fail(u"--port must be a number from 0 to 65535"_s);
    if (!id || !issues || !contributors)
        return fail(u"--id, --issues and --contributors must be whole numbers (id from 1)"_s);
    std::optional<int> pullRequests = *issues / 4;
    if (parser.isSet(u"pull-requests"_s))
        pullRequests = number(parser, u"pull-requests"_s, 0);
    if (!pullRequests)
        return fail(u"--pull-requests must be a whole number"_s);
    std::optional<int> rateLimit;
    if (parser.isSet(u"rate-limit"_s)) {
        rateLimit = number(parser, u"rate-limit"_s, 0);
        if (!rateLimit)
            return fail(u"--rate-limit must be a whole number"_s);
    }

    // Listen first, so that a busy port fails at once; requests wait until the data is ready.
    FakeGitHub gitHub;
    gitHub.setApiPathPrefix(parser.value(u"api-prefix"_s));
    if (rateLimit) {
        gitHub.setRateLimit(*rateLimit, *rateLimit,
                            QDateTime::currentSecsSinceEpoch() + 3600);
    }
    gitHub.setAcceptedToken(parser.value(u"token"_s));
    if (!gitHub.listen(quint16(*port)))
        return fail(gitHub.errorString());

    QElapsedTimer timer;
    timer.start();
    gitHub.addRepository(FakeGitHub::generateRepository(parser.value(u"owner"_s),
                                                        parser.value(u"repo"_s), *issues,
                                                        *pullRequests, *contributors, *id));
    // Serving runs for long; the test-oriented request log would only grow.
    QObject::connect(&gitHub, &FakeGitHub::requestReceived, &gitHub, &FakeGitHub::clearRequests);

    QTextStream out(stdout);
    out << "fake GitHub listening on " << gitHub.apiUrl().toString() << Qt::endl;
    QTextStream(stderr) << "serving " << parser.value(u"owner"_s) << '/'
                        << parser.value(u"repo"_s) << " (id " << *id << "): " << *issues
                        << " issues, " << *pullRequests << " pull requests, " << *contributors
                        << " contributors; generated in " << timer.elapsed() << " ms; GraphQL at "
                        << gitHub.graphqlUrl().toString() << Qt::endl;
    return app.exec();
}
