#include "repositorycollector.h"

#include "githubclient.h"
#include "reportwriter.h"
#include "taskstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCollector, "hookme.collector", QtInfoMsg)

namespace hookme {

namespace {

// A long listing logs its progress every this many pages.
constexpr int progressEveryPages = 10;

QString encoded(const QString &pathSegment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(pathSegment));
}

// Decides whether a failed GitHub answer is worth another attempt.
Failure classify(const HttpResult &response, const QString &what)
{
    Failure failure;
    if (response.status != 0)
        failure.httpStatus = response.status;

    switch (response.status) {
    case 0:
        failure.message = u"%1: %2"_s.arg(what, response.networkError);
        break;
    case 401:
        failure.permanent = true;
        failure.message = u"%1: GitHub refused the configured API_TOKEN (HTTP 401)"_s.arg(what);
        break;
    case 404:
        failure.permanent = true;
        failure.message = u"repository not found or not visible with the configured token"_s;
        break;
    case 451:
        failure.permanent = true;
        failure.message = u"%1: repository unavailable for legal reasons (HTTP 451)"_s.arg(what);
        break;
    default:
        // 403 and 429 are GitHub's rate limits and 5xx its own trouble: both pass with time.
        // Other client errors would fail the same way again.
        failure.permanent = response.status >= 400 && response.status < 500
                && response.status != 403 && response.status != 429 && response.status != 408;
        failure.message = u"%1: %2"_s.arg(what, response.describe());
        break;
    }
    return failure;
}

} // namespace

RepositoryCollector::RepositoryCollector(GitHubClient *github, TaskStore *store,
                                         IssuesState issuesState, qint64 nameCacheTtlMs,
                                         QObject *parent)
    : QObject(parent),
      m_github(github),
      m_store(store),
      m_issuesState(issuesState),
      m_nameCacheTtlMs(nameCacheTtlMs)
{
}

QCoro::Task<CollectionOutcome> RepositoryCollector::collect(QString owner, QString repository)
{
    CollectionOutcome outcome;
    // Issues go straight into the document as each page arrives; contributors, a short list
    // whose names are looked up last, are kept apart until then.
    ReportWriter report(owner, repository);
    QList<ReportContributor> contributorList;
    const QString repositoryPath = u"/repos/%1/%2"_s.arg(encoded(owner), encoded(repository));

    QUrlQuery issuesQuery;
    issuesQuery.addQueryItem(u"state"_s, toString(m_issuesState));
    issuesQuery.addQueryItem(u"per_page"_s, u"100"_s);
    // Each page is reduced to the report's fields as it arrives; only those are kept.
    int issuePages = 0;
    std::function<void(const QJsonArray &)> addIssues = [&](const QJsonArray &page) {
        report.addIssues(page);
        if (++issuePages % progressEveryPages == 0) {
            qCInfo(lcCollector).noquote() << u"%1/%2: %3 pages of issues so far, %4 issues"_s
                                                     .arg(owner, repository)
                                                     .arg(issuePages)
                                                     .arg(report.issueCount());
        }
    };
    const QUrl issuesUrl = m_github->endpoint(repositoryPath + u"/issues"_s, issuesQuery);
    const GitHubClient::Listing issues = co_await m_github->fetchAllPages(issuesUrl, addIssues);
    outcome.requests += issues.requests;
    if (!issues.complete) {
        outcome.failure = classify(issues.lastResponse, u"listing issues"_s);
        if (issues.lastResponse.isSuccess())
            outcome.failure.message = issues.error;
        co_return outcome;
    }

    QUrlQuery contributorsQuery;
    contributorsQuery.addQueryItem(u"per_page"_s, u"100"_s);
    std::function<void(const QJsonArray &)> addContributors = [&](const QJsonArray &page) {
        appendContributors(page, &contributorList);
    };
    const QUrl contributorsUrl =
            m_github->endpoint(repositoryPath + u"/contributors"_s, contributorsQuery);
    const GitHubClient::Listing contributors =
            co_await m_github->fetchAllPages(contributorsUrl, addContributors);
    outcome.requests += contributors.requests;
    if (!contributors.complete) {
        outcome.failure = classify(contributors.lastResponse, u"listing contributors"_s);
        if (contributors.lastResponse.isSuccess())
            outcome.failure.message = contributors.error;
        co_return outcome;
    }

    if (auto failure = co_await resolveNames(&contributorList, &outcome.requests)) {
        outcome.failure = *failure;
        co_return outcome;
    }

    const qsizetype issueCount = report.issueCount();
    outcome.reportJson = report.finish(contributorList);
    qCInfo(lcCollector).noquote()
            << u"collected %1/%2: %3 issues, %4 contributors, %5 requests, %6 bytes"_s
                       .arg(owner, repository)
                       .arg(issueCount)
                       .arg(contributorList.size())
                       .arg(outcome.requests)
                       .arg(outcome.reportJson->size());
    co_return outcome;
}

QCoro::Task<std::optional<Failure>>
RepositoryCollector::resolveNames(QList<ReportContributor> *contributors, int *requests)
{
    for (ReportContributor &contributor : *contributors) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (auto cached = m_store->cachedName(contributor.login, now - m_nameCacheTtlMs)) {
            contributor.name = cached->name;
            continue;
        }

        const QUrl userUrl = m_github->endpoint(u"/users/"_s + encoded(contributor.login));
        const HttpResult user = co_await m_github->get(userUrl);
        ++*requests;
        if (user.status == 404) {
            // A contributor whose account is gone since: known, but nameless.
            contributor.name = std::nullopt;
        } else if (user.isSuccess()) {
            const QJsonValue name = QJsonDocument::fromJson(user.body).object().value("name"_L1);
            contributor.name = name.isString() ? std::optional<QString>(name.toString())
                                               : std::nullopt;
        } else {
            Failure failure = classify(user, u"looking up user %1"_s.arg(contributor.login));
            failure.permanent = false;  // one user's trouble is not the repository's
            co_return failure;
        }
        m_store->storeName(contributor.login, contributor.name,
                           QDateTime::currentMSecsSinceEpoch());
    }
    co_return std::nullopt;
}

} // namespace hookme
