#include "collectcommand.h"

#include "githubclient.h"
#include "githubnames.h"
#include "repositorycollector.h"
#include "taskstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkAccessManager>

#include <qcorotimer.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace hookme {

namespace {

void printError(const QString &line)
{
    std::fprintf(stderr, "hookme: %s\n", qPrintable(line));
    std::fflush(stderr);
}

// Collects until there is a report or a failure; GitHub's rate limit is waited out.
QCoro::Task<int> collectAndPrint(RepositoryCollector *collector, QString owner,
                                 QString repository)
{
    int requests = 0;
    int quotaRequests = 0;
    while (true) {
        const CollectionOutcome outcome = co_await collector->collect(owner, repository);
        requests += outcome.requests;
        quotaRequests += outcome.quotaRequests;

        if (outcome.rateLimitedUntilMs) {
            const qint64 waitMs = *outcome.rateLimitedUntilMs - QDateTime::currentMSecsSinceEpoch();
            printError(u"waiting %1 s for GitHub's rate limit"_s.arg((waitMs + 999) / 1000));
            co_await QCoro::sleepFor(std::chrono::milliseconds(std::max<qint64>(waitMs, 0)));
            continue;
        }
        if (!outcome.report) {
            printError(outcome.failure.message);
            co_return 1;
        }

        const QByteArray json = outcome.report->toJson();
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        printError(u"done: %1 issues, %2 contributors, %3 GitHub requests (%4 counted against"
                   " the quota)"_s.arg(outcome.report->issues.size())
                           .arg(outcome.report->contributors.size())
                           .arg(requests)
                           .arg(quotaRequests));
        co_return 0;
    }
}

} // namespace

int runCollectCommand(const Settings &settings, const QString &ownerAndRepository)
{
    const QStringList parts = ownerAndRepository.split(u'/');
    if (parts.size() != 2 || !isValidGitHubLogin(parts.at(0))
        || !isValidRepositoryName(parts.at(1))) {
        printError(u"collect: expected OWNER/REPO with a GitHub login and repository name,"
                   " got \"%1\""_s.arg(ownerAndRepository));
        return 2;
    }

    // Caches live in memory for this one run.
    TaskStore store;
    if (!store.open(u":memory:"_s)) {
        printError(store.lastError());
        return 1;
    }
    QNetworkAccessManager network;
    GitHubClient github(&network, &store,
                        { settings.apiUrl, settings.apiToken, settings.githubTimeoutMs,
                          settings.githubMaxConcurrency, settings.githubQuotaReserve });
    RepositoryCollector collector(&github, &store,
                                  { settings.issuesState, settings.includeAnonymousContributors,
                                    settings.nameCacheTtlMs });
    QObject::connect(&collector, &RepositoryCollector::progress, &collector,
                     [](const QString &message) { printError(message); });

    int exitCode = 1;
    QCoro::connect(collectAndPrint(&collector, parts.at(0), parts.at(1)), &collector,
                   [&exitCode](int code) {
                       exitCode = code;
                       QCoreApplication::quit();
                   });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace hookme
