// The fake GitHub REST and GraphQL APIs of the tests: routes, pagination, GitHub-shaped data,
// conditional requests, rate limits, redirects and failure injection (see fakegithub.h).
#include "fakegithub.h"

#include "graphqluserquery.h"
#include "serveranswer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QRegularExpressionMatch>
#include <QUrlQuery>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;
using hookme::test::ServerAnswer;

Q_LOGGING_CATEGORY(lcFakeGitHub, "hookme.test.fakegithub", QtInfoMsg)

namespace {

constexpr int defaultRateLimit = 5000;  // GitHub's hourly quota for a personal token
constexpr qint64 rateLimitWindowSeconds = 3600;
constexpr int defaultPerPage = 30;
constexpr int maxPerPage = 100;
constexpr qint64 issueIdBase = 3'000'000'000;  // issue ids passed 2^31 on GitHub long ago

const QString apiRoot = u"https://api.github.com"_s;
const QString webRoot = u"https://github.com"_s;
const QString defaultOwner = u"octo-org"_s;
const QString defaultRepository = u"hello-world"_s;
const QString notFoundDocumentation = u"https://docs.github.com/rest"_s;
const QString graphqlDocumentation = u"https://docs.github.com/graphql"_s;
const QString graphqlAuthenticationDocumentation =
        u"https://docs.github.com/graphql/guides/forming-calls-with-graphql"
        "#authenticating-with-graphql"_s;
const QString rateLimitDocumentation =
        u"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"_s;
const QString secondaryRateLimitDocumentation =
        u"https://docs.github.com/en/free-pro-team@latest/rest/overview/"
        "resources-in-the-rest-api#secondary-rate-limits"_s;
const QString redirectDocumentation =
        u"https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api"
        "#follow-redirects"_s;
const QString issuesDocumentation =
        u"https://docs.github.com/rest/issues/issues#list-repository-issues"_s;
const QString contributorsDocumentation =
        u"https://docs.github.com/rest/repos/repos#list-repository-contributors"_s;
const QString httpDateFormat = u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s;

// 32-bit FNV-1a: stable across runs, unlike qHash, so ids do not change between test runs.
quint32 stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const char byte : text.toUtf8()) {
        hash ^= quint8(byte);
        hash *= 16777619u;
    }
    return hash;
}

// GitHub's legacy global node ids: base64 of "0<length of type>:<type><id>".
QString nodeId(QLatin1StringView type, qint64 id)
{
    const QByteArray raw = "0" + QByteArray::number(type.size()) + ":" + QByteArray(type.data())
            + QByteArray::number(id);
    return QString::fromLatin1(raw.toBase64());
}

QString encoded(const QString &pathSegment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(pathSegment));
}

QString timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

// Issue #n was opened n hours after the start of 2024, so higher numbers are newer.
QDateTime createdAt(int number)
{
    return QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(qint64(number) * 3600);
}

QString repositoryApiUrl(const QString &owner, const QString &name)
{
    return u"%1/repos/%2/%3"_s.arg(apiRoot, owner, name);
}

QString repositoryWebUrl(const QString &owner, const QString &name)
{
    return u"%1/%2/%3"_s.arg(webRoot, owner, name);
}

// The colour of GitHub's default labels; empty for other names.
QString defaultLabelColor(const QString &name)
{
    static const QHash<QString, QString> defaults {
        { u"bug"_s, u"d73a4a"_s },
        { u"documentation"_s, u"0075ca"_s },
        { u"duplicate"_s, u"cfd3d7"_s },
        { u"enhancement"_s, u"a2eeef"_s },
        { u"good first issue"_s, u"7057ff"_s },
        { u"help wanted"_s, u"008672"_s },
        { u"invalid"_s, u"e4e669"_s },
        { u"question"_s, u"d876e3"_s },
        { u"wontfix"_s, u"ffffff"_s },
    };
    return defaults.value(name);
}

// The "simple user" GitHub embeds in issues and contributors; null for no login.
QJsonValue simpleUser(const QString &login)
{
    if (login.isEmpty())
        return QJsonValue::Null;

    const qint64 id = FakeGitHub::userId(login);
    const QString api = u"%1/users/%2"_s.arg(apiRoot, encoded(login));
    return QJsonObject {
        { u"login"_s, login },
        { u"id"_s, id },
        { u"node_id"_s, nodeId("User"_L1, id) },
        { u"avatar_url"_s, u"https://avatars.githubusercontent.com/u/%1?v=4"_s.arg(id) },
        { u"gravatar_id"_s, u""_s },
        { u"url"_s, api },
        { u"html_url"_s, u"%1/%2"_s.arg(webRoot, encoded(login)) },
        { u"followers_url"_s, api + u"/followers"_s },
        { u"following_url"_s, api + u"/following{/other_user}"_s },
        { u"gists_url"_s, api + u"/gists{/gist_id}"_s },
        { u"starred_url"_s, api + u"/starred{/owner}{/repo}"_s },
        { u"subscriptions_url"_s, api + u"/subscriptions"_s },
        { u"organizations_url"_s, api + u"/orgs"_s },
        { u"repos_url"_s, api + u"/repos"_s },
        { u"events_url"_s, api + u"/events{/privacy}"_s },
        { u"received_events_url"_s, api + u"/received_events"_s },
        { u"type"_s, login.endsWith(u"[bot]"_s) ? u"Bot"_s : u"User"_s },
        { u"site_admin"_s, false },
    };
}

// Points the repository-dependent URLs of an issue or pull request at owner/name. Only keys
// that are present are touched, so hand-made sparse objects stay sparse.
void pointAt(QJsonObject &item, const QString &owner, const QString &name)
{
    const QString api = repositoryApiUrl(owner, name);
    if (item.value(u"repository_url"_s).toString() == api)
        return;

    const QString web = repositoryWebUrl(owner, name);
    const int number = item.value(u"number"_s).toInt();
    const bool pullRequest = item.contains(u"pull_request"_s);
    const QString issueApi = u"%1/issues/%2"_s.arg(api).arg(number);
    const auto set = [&item](const QString &key, const QString &value) {
        if (item.contains(key))
            item.insert(key, value);
    };

    set(u"url"_s, issueApi);
    set(u"repository_url"_s, api);
    set(u"labels_url"_s, issueApi + u"/labels{/name}"_s);
    set(u"comments_url"_s, issueApi + u"/comments"_s);
    set(u"events_url"_s, issueApi + u"/events"_s);
    set(u"timeline_url"_s, issueApi + u"/timeline"_s);
    set(u"html_url"_s, u"%1/%2/%3"_s.arg(web, pullRequest ? u"pull"_s : u"issues"_s).arg(number));

    if (item.value(u"reactions"_s).isObject()) {
        QJsonObject reactions = item.value(u"reactions"_s).toObject();
        reactions.insert(u"url"_s, issueApi + u"/reactions"_s);
        item.insert(u"reactions"_s, reactions);
    }

    if (item.value(u"pull_request"_s).isObject()) {
        QJsonObject marker = item.value(u"pull_request"_s).toObject();
        const QString pullWeb = u"%1/pull/%2"_s.arg(web).arg(number);
        marker.insert(u"url"_s, u"%1/pulls/%2"_s.arg(api).arg(number));
        marker.insert(u"html_url"_s, pullWeb);
        marker.insert(u"diff_url"_s, pullWeb + u".diff"_s);
        marker.insert(u"patch_url"_s, pullWeb + u".patch"_s);
        item.insert(u"pull_request"_s, marker);
    }

    if (item.value(u"labels"_s).isArray()) {
        QJsonArray labels = item.value(u"labels"_s).toArray();
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (!labels.at(i).isObject())
                continue;
            QJsonObject label = labels.at(i).toObject();
            if (label.contains(u"url"_s)) {
                const QString labelName = label.value(u"name"_s).toString();
                label.insert(u"url"_s, u"%1/labels/%2"_s.arg(api, encoded(labelName)));
            }
            labels.replace(i, label);
        }
        item.insert(u"labels"_s, labels);
    }
}

// The issue shape of the listing; pull requests are issues with a "pull_request" marker.
QJsonObject issueObject(const QString &owner, const QString &name, int number,
                        const QString &title, const QJsonValue &user, const QJsonArray &labels,
                        const QString &state, bool pullRequest, const QJsonValue &body)
{
    const QString api = repositoryApiUrl(owner, name);
    const QString web = repositoryWebUrl(owner, name);
    const QString issueApi = u"%1/issues/%2"_s.arg(api).arg(number);
    const qint64 id = issueIdBase + number;
    const QDateTime created = createdAt(number);
    const bool closed = state == u"closed"_s;
    const QJsonValue closedAt = closed ? QJsonValue(timestamp(created.addDays(1)))
                                       : QJsonValue(QJsonValue::Null);

    QJsonObject issue {
        { u"url"_s, issueApi },
        { u"repository_url"_s, api },
        { u"labels_url"_s, issueApi + u"/labels{/name}"_s },
        { u"comments_url"_s, issueApi + u"/comments"_s },
        { u"events_url"_s, issueApi + u"/events"_s },
        { u"html_url"_s,
          u"%1/%2/%3"_s.arg(web, pullRequest ? u"pull"_s : u"issues"_s).arg(number) },
        { u"id"_s, id },
        { u"node_id"_s, nodeId("Issue"_L1, id) },
        { u"number"_s, number },
        { u"title"_s, title },
        { u"user"_s, user },
        { u"labels"_s, labels },
        { u"state"_s, state },
        { u"locked"_s, false },
        { u"assignee"_s, QJsonValue::Null },
        { u"assignees"_s, QJsonArray() },
        { u"milestone"_s, QJsonValue::Null },
        { u"comments"_s, number % 5 },
        { u"created_at"_s, timestamp(created) },
        { u"updated_at"_s, timestamp(created.addSecs(1800)) },
        { u"closed_at"_s, closedAt },
        { u"author_association"_s, user.isNull() ? u"NONE"_s : u"CONTRIBUTOR"_s },
        { u"active_lock_reason"_s, QJsonValue::Null },
        { u"body"_s, body },
        { u"reactions"_s,
          QJsonObject {
                  { u"url"_s, issueApi + u"/reactions"_s },
                  { u"total_count"_s, 0 },
                  { u"+1"_s, 0 },
                  { u"-1"_s, 0 },
                  { u"laugh"_s, 0 },
                  { u"hooray"_s, 0 },
                  { u"confused"_s, 0 },
                  { u"heart"_s, 0 },
                  { u"rocket"_s, 0 },
                  { u"eyes"_s, 0 },
          } },
        { u"timeline_url"_s, issueApi + u"/timeline"_s },
        { u"performed_via_github_app"_s, QJsonValue::Null },
        { u"state_reason"_s,
          closed && !pullRequest ? QJsonValue(u"completed"_s) : QJsonValue(QJsonValue::Null) },
    };

    if (pullRequest) {
        const QString pullWeb = u"%1/pull/%2"_s.arg(web).arg(number);
        issue.insert(u"draft"_s, false);
        issue.insert(u"pull_request"_s,
                     QJsonObject {
                             { u"url"_s, u"%1/pulls/%2"_s.arg(api).arg(number) },
                             { u"html_url"_s, pullWeb },
                             { u"diff_url"_s, pullWeb + u".diff"_s },
                             { u"patch_url"_s, pullWeb + u".patch"_s },
                             { u"merged_at"_s, closedAt },
                     });
    }
    return issue;
}

QJsonObject labelObject(const QString &owner, const QString &repository, const QString &name)
{
    const qint64 id = 1'000'000'000 + stableHash(name) % 1'000'000'000;
    const QString url = u"%1/labels/%2"_s.arg(repositoryApiUrl(owner, repository), encoded(name));
    const bool isDefault = !defaultLabelColor(name).isEmpty();
    const QString color = isDefault
            ? defaultLabelColor(name)
            : u"%1"_s.arg(stableHash(name) & 0xffffff, 6, 16, QChar(u'0'));

    return QJsonObject {
        { u"id"_s, id },
        { u"node_id"_s, nodeId("Label"_L1, id) },
        { u"url"_s, url },
        { u"name"_s, name },
        { u"color"_s, color },
        { u"default"_s, isDefault },
        { u"description"_s, QJsonValue::Null },
    };
}

QJsonArray labelArray(const QString &owner, const QString &repository, const QStringList &names)
{
    QJsonArray labels;
    for (const QString &name : names)
        labels.append(labelObject(owner, repository, name));
    return labels;
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    const char *key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArray("UNKNOWN");
}

QString pathAndQuery(const QUrl &url)
{
    QString text = url.path(QUrl::FullyEncoded);
    if (url.hasQuery())
        text += u'?' + url.query(QUrl::FullyEncoded);
    return text;
}

// A positive integer query parameter; `fallback` when absent or malformed.
int positiveParameter(const QUrlQuery &query, const QString &key, int fallback)
{
    bool ok = false;
    const int value = query.queryItemValue(key).toInt(&ok);
    return ok && value > 0 ? value : fallback;
}

// GitHub's JSON error body, keys in GitHub's order (QJsonObject would sort them).
QByteArray errorBody(const QString &message, const QString &documentationUrl)
{
    const auto quoted = [](const QString &text) {
        const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2);  // strip [ and ]
    };
    return "{\"message\":" + quoted(message) + ",\"documentation_url\":"
            + quoted(documentationUrl) + "}";
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return u"Problems parsing JSON"_s;
    case 401:
        return u"Bad credentials"_s;
    case 403:
        return u"Forbidden"_s;
    case 404:
        return u"Not Found"_s;
    case 409:
        return u"Conflict"_s;
    case 410:
        return u"Gone"_s;
    case 422:
        return u"Validation Failed"_s;
    case 429:
        return u"You have exceeded a secondary rate limit. Please wait a few minutes before "
               "you try again."_s;
    case 500:
        return u"Server Error"_s;
    case 502:
        return u"Server Error"_s;
    case 503:
        return u"Service Unavailable"_s;
    case 504:
        return u"We couldn't respond to your request in time. Sorry about that. Please try "
               "resubmitting your request and contact us if the problem persists."_s;
    default:
        return u"Error %1"_s.arg(status);
    }
}

// GitHub's body for a repository blocked for legal reasons (451): no documentation_url, but
// the block's reason and the notice.
QByteArray blockedBody()
{
    return R"({"message":"Repository access blocked","block":{"reason":"dmca",)"
           R"("created_at":"2024-01-01T00:00:00Z","html_url":)"
           R"("https://github.com/github/dmca/blob/master/2024/01/2024-01-01-example.md"}})";
}

QString httpDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), httpDateFormat);
}

QDateTime parseHttpDate(const QByteArray &text)
{
    const QDateTime parsed = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()),
                                                     httpDateFormat);
    return parsed.isValid() ? QDateTime(parsed.date(), parsed.time(), Qt::UTC) : QDateTime();
}

QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    const QList<QPair<QByteArray, QByteArray>> headers = request.headers();
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool hasHeader(const ServerAnswer &answer, const QByteArray &name)
{
    return std::any_of(answer.headers.cbegin(), answer.headers.cend(), [&name](const auto &pair) {
        return pair.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

// The token of "Bearer X" or "token X" (schemes are case-insensitive); empty for other schemes.
QString tokenOf(const QByteArray &authorization)
{
    const QByteArray trimmed = authorization.trimmed();
    const qsizetype space = trimmed.indexOf(' ');
    if (space < 0)
        return {};
    const QByteArray scheme = trimmed.left(space).toLower();
    if (scheme != "bearer" && scheme != "token")
        return {};
    return QString::fromUtf8(trimmed.mid(space + 1).trimmed());
}

// If-None-Match: a list of entity tags or "*". GitHub compares weakly, as RFC 9110 asks for
// If-None-Match, so W/"x" matches "x".
bool etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    const QList<QByteArray> candidates = ifNoneMatch.split(',');
    for (QByteArray candidate : candidates) {
        candidate = candidate.trimmed();
        if (candidate == "*")
            return true;
        if (candidate.startsWith("W/"))
            candidate = candidate.mid(2);
        if (candidate == etag)
            return true;
    }
    return false;
}

// A JSON string, quoted and escaped.
QByteArray quotedJson(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);  // strip [ and ]
}

} // namespace

// Per repository: owner, name, id and flags, the items serialised once (serialising is what
// costs when serving big repositories), the positions of the open and closed issues for
// `state` and of the contributors with and without the anonymous ones for `anon`.
struct FakeGitHub::Repository {
    FakeRepository data;  // without issues and contributors, which are in the lists below
    QList<QByteArray> issues;
    QList<int> all;
    QList<int> open;
    QList<int> closed;
    QList<QByteArray> contributors;
    QList<int> allContributors;    // anon=1
    QList<int> namedContributors;  // the default: the anonymous ones left out
    QDateTime modified;            // Last-Modified of everything served from it

    // Each object is released once serialised, so that a big generated repository that was
    // handed over (moved) is not held twice.
    void setIssues(QList<QJsonObject> items)
    {
        issues.clear();
        all.clear();
        open.clear();
        closed.clear();
        issues.reserve(items.size());
        for (QJsonObject &slot : items) {
            QJsonObject item = std::exchange(slot, QJsonObject());
            const int index = int(issues.size());
            pointAt(item, data.owner, data.name);
            issues.append(QJsonDocument(item).toJson(QJsonDocument::Compact));
            all.append(index);
            if (item.value(u"state"_s).toString() == u"closed"_s)
                closed.append(index);
            else
                open.append(index);
        }
    }

    void setContributors(const QList<QJsonObject> &items)
    {
        contributors.clear();
        allContributors.clear();
        namedContributors.clear();
        for (const QJsonObject &contributor : items) {
            const int index = int(contributors.size());
            contributors.append(QJsonDocument(contributor).toJson(QJsonDocument::Compact));
            allContributors.append(index);
            if (contributor.value(u"login"_s).isString())
                namedContributors.append(index);
        }
    }
};

struct FakeGitHub::User {
    QString login;  // as given
    QJsonValue name;
    UserKind kind = UserKind::User;
    QDateTime modified;
};

// One of GitHub's hourly quotas.
struct FakeGitHub::Quota {
    int limit = defaultRateLimit;
    int remaining = defaultRateLimit;
    qint64 reset = 0;       // epoch seconds
    bool enforced = false;  // refuse requests when none is left

    // Once the reset time has passed, GitHub starts a new window with the full quota.
    void roll(qint64 now)
    {
        if (now >= reset) {
            remaining = limit;
            reset = now + rateLimitWindowSeconds;
        }
    }
    int used() const { return std::max(0, limit - remaining); }
};

struct FakeGitHub::Rename {
    QString owner;
    QString name;
    int id = 0;
};

QByteArray FakeGitHub::RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FakeGitHub::FakeGitHub(QObject *parent)
    : LoopbackServer(parent)
    , m_core(std::make_unique<Quota>())
    , m_graphql(std::make_unique<Quota>())
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_core->reset = now + rateLimitWindowSeconds;
    m_graphql->reset = now + rateLimitWindowSeconds;
}

FakeGitHub::~FakeGitHub() = default;

QUrl FakeGitHub::baseUrl() const
{
    return rootUrl();
}

QUrl FakeGitHub::apiUrl() const
{
    return QUrl(baseUrl().toString() + m_apiPrefix);
}

QUrl FakeGitHub::graphqlUrl() const
{
    // github.com: https://api.github.com/graphql; GHES: https://HOST/api/graphql next to
    // https://HOST/api/v3.
    QString path = m_apiPrefix;
    if (path.endsWith(u"/v3"_s))
        path.chop(3);
    return QUrl(baseUrl().toString() + path + u"/graphql"_s);
}

void FakeGitHub::setCursorPagination(bool enabled)
{
    m_cursorPagination = enabled;
}

void FakeGitHub::setApiPathPrefix(const QString &prefix)
{
    QString normalised = prefix.trimmed();
    while (normalised.endsWith(u'/'))
        normalised.chop(1);
    if (!normalised.isEmpty() && !normalised.startsWith(u'/'))
        normalised.prepend(u'/');
    m_apiPrefix = normalised;
}

QString FakeGitHub::apiPathPrefix() const
{
    return m_apiPrefix;
}

int FakeGitHub::addRepository(FakeRepository repository)
{
    auto entry = std::make_unique<Repository>();
    entry->data.owner = repository.owner;
    entry->data.name = repository.name;
    entry->data.id = repository.id;
    entry->data.issuesDisabled = repository.issuesDisabled;
    entry->data.contributorsTooLarge = repository.contributorsTooLarge;

    if (entry->data.id == 0) {
        int highest = 100'000;
        for (const auto &existing : m_repositories)
            highest = std::max(highest, existing->data.id);
        entry->data.id = highest + 1;
    }

    entry->setIssues(std::move(repository.issues));
    entry->setContributors(repository.contributors);

    for (auto it = repository.users.cbegin(); it != repository.users.cend(); ++it)
        addUser(it.key(), it.value());

    const int id = entry->data.id;
    const auto sameRepository = [&entry](const std::unique_ptr<Repository> &existing) {
        return existing->data.id == entry->data.id
                || (existing->data.owner.compare(entry->data.owner, Qt::CaseInsensitive) == 0
                    && existing->data.name.compare(entry->data.name, Qt::CaseInsensitive) == 0);
    };
    QDateTime previous;
    for (const auto &existing : m_repositories) {
        if (sameRepository(existing) && (!previous.isValid() || previous < existing->modified))
            previous = existing->modified;
    }
    entry->modified = changeTime(previous);
    std::erase_if(m_repositories, sameRepository);
    m_repositories.push_back(std::move(entry));
    return id;
}

bool FakeGitHub::replaceIssues(const QString &owner, const QString &name,
                               QList<QJsonObject> issues)
{
    Repository *repository = repositoryByName(owner, name);
    if (!repository)
        return false;
    repository->setIssues(std::move(issues));
    repository->modified = changeTime(repository->modified);
    return true;
}

bool FakeGitHub::replaceContributors(const QString &owner, const QString &name,
                                     QList<QJsonObject> contributors)
{
    Repository *repository = repositoryByName(owner, name);
    if (!repository)
        return false;
    repository->setContributors(contributors);
    repository->modified = changeTime(repository->modified);
    return true;
}

void FakeGitHub::addUser(const QString &login, const QJsonValue &name, UserKind kind)
{
    const QString key = login.toLower();
    const QDateTime previous = m_users.value(key).modified;
    m_users.insert(key, User { login, name, kind, changeTime(previous) });
}

void FakeGitHub::addRename(const QString &oldOwner, const QString &oldName, int repositoryId)
{
    for (Rename &rename : m_renames) {
        if (rename.owner.compare(oldOwner, Qt::CaseInsensitive) == 0
            && rename.name.compare(oldName, Qt::CaseInsensitive) == 0) {
            rename.id = repositoryId;
            return;
        }
    }
    m_renames.append(Rename { oldOwner, oldName, repositoryId });
}

void FakeGitHub::setAcceptedToken(const QString &token)
{
    m_acceptedToken = token;
}

QJsonObject FakeGitHub::makeIssue(int number, const QString &title, const QString &authorLogin,
                                  const QStringList &labels, const QString &state)
{
    return issueObject(defaultOwner, defaultRepository, number, title, simpleUser(authorLogin),
                       labelArray(defaultOwner, defaultRepository, labels), state, false,
                       QJsonValue::Null);
}

QJsonObject FakeGitHub::makePullRequest(int number, const QString &title,
                                        const QString &authorLogin, const QStringList &labels,
                                        const QString &state)
{
    return issueObject(defaultOwner, defaultRepository, number, title, simpleUser(authorLogin),
                       labelArray(defaultOwner, defaultRepository, labels), state, true,
                       QJsonValue::Null);
}

QJsonObject FakeGitHub::makeContributor(const QString &login, int contributions)
{
    QJsonObject contributor = simpleUser(login).toObject();
    contributor.insert(u"contributions"_s, contributions);
    return contributor;
}

QJsonObject FakeGitHub::makeUser(const QString &login, const QJsonValue &name)
{
    const qint64 id = userId(login);
    const QDateTime created = QDateTime(QDate(2015, 1, 1), QTime(0, 0), Qt::UTC)
                                      .addDays(id % 3000);

    QJsonObject user = simpleUser(login).toObject();
    user.insert(u"name"_s, name.isString() ? name : QJsonValue(QJsonValue::Null));
    user.insert(u"company"_s, QJsonValue::Null);
    user.insert(u"blog"_s, u""_s);
    user.insert(u"location"_s, QJsonValue::Null);
    user.insert(u"email"_s, QJsonValue::Null);
    user.insert(u"hireable"_s, QJsonValue::Null);
    user.insert(u"bio"_s, QJsonValue::Null);
    user.insert(u"twitter_username"_s, QJsonValue::Null);
    user.insert(u"public_repos"_s, int(id % 40));
    user.insert(u"public_gists"_s, int(id % 7));
    user.insert(u"followers"_s, int(id % 300));
    user.insert(u"following"_s, int(id % 50));
    user.insert(u"created_at"_s, timestamp(created));
    user.insert(u"updated_at"_s, timestamp(created.addDays(400)));
    return user;
}

QJsonObject FakeGitHub::makeLabel(const QString &name)
{
    return labelObject(defaultOwner, defaultRepository, name);
}

qint64 FakeGitHub::userId(const QString &login)
{
    return 1 + stableHash(login.toLower()) % 200'000'000;
}

FakeRepository FakeGitHub::generateRepository(const QString &owner, const QString &name,
                                              int issueCount, int pullRequestCount,
                                              int contributorCount, int id)
{
    FakeRepository repository;
    repository.owner = owner;
    repository.name = name;
    repository.id = id;

    const int poolSize = std::max(contributorCount, 8);
    QList<QString> logins;
    QList<QJsonValue> authors;  // built once, shared by every item of the author
    for (int i = 1; i <= poolSize; ++i) {
        const QString login = u"dev-%1"_s.arg(i);
        QJsonValue displayName;
        if (i % 7 == 0)
            displayName = QJsonValue::Null;
        else if (i % 3 == 0)
            displayName = u"Developer %1"_s.arg(i);
        else if (i % 3 == 1)
            displayName = u"Zoë Ångström %1"_s.arg(i);
        else
            displayName = u"李雷 %1"_s.arg(i);
        logins.append(login);
        authors.append(simpleUser(login));
        repository.users.insert(login, displayName);
    }

    const QList<QJsonArray> labelSets {
        QJsonArray(),
        labelArray(owner, name, { u"bug"_s }),
        labelArray(owner, name, { u"enhancement"_s, u"café ☕"_s }),
        labelArray(owner, name, { u"good first issue"_s }),
        labelArray(owner, name, { u"bug"_s, u"ドキュメント"_s }),
        QJsonArray(),
    };

    const int total = std::max(issueCount, 0) + std::max(pullRequestCount, 0);
    repository.issues.reserve(total);
    for (int number = total; number >= 1; --number) {
        // Spread the pull requests evenly over the numbers (Bresenham).
        const qint64 pullRequests = std::max(pullRequestCount, 0);
        const bool pullRequest = (number * pullRequests) / total
                > ((number - 1) * pullRequests) / total;
        const QJsonValue author = number == 1 ? QJsonValue(QJsonValue::Null)
                                              : authors.at((number - 1) % poolSize);
        const QString state = (pullRequest ? number % 10 == 0 : number % 3 == 0)
                ? u"closed"_s
                : u"open"_s;
        const QString title = pullRequest ? u"Pull request %1"_s.arg(number)
                                          : u"Issue %1"_s.arg(number);
        const QJsonValue body = number % 4 == 0
                ? QJsonValue(u"Steps to reproduce #%1:\n\n1. Open the café menu.\n2. Look."_s
                                     .arg(number))
                : QJsonValue(QJsonValue::Null);

        repository.issues.append(issueObject(owner, name, number, title, author,
                                             labelSets.at(number % 6), state, pullRequest, body));
    }

    for (int i = 0; i < contributorCount; ++i) {
        const int contributions = 10 * (contributorCount - i) + i % 3;
        QJsonObject contributor = authors.at(i).toObject();
        contributor.insert(u"contributions"_s, contributions);
        repository.contributors.append(contributor);
    }
    return repository;
}


QJsonObject FakeGitHub::makeAnonymousContributor(const QString &name, const QString &email,
                                                 int contributions)
{
    return QJsonObject {
        { u"email"_s, email },
        { u"name"_s, name },
        { u"type"_s, u"Anonymous"_s },
        { u"contributions"_s, contributions },
    };
}

void FakeGitHub::setRateLimit(int limit, int remaining, qint64 resetEpochSeconds)
{
    m_core->limit = std::max(limit, 0);
    m_core->remaining = std::clamp(remaining, 0, m_core->limit);
    m_core->reset = resetEpochSeconds;
    m_core->enforced = true;
}

void FakeGitHub::resetRateLimit(int remaining)
{
    m_core->remaining = std::clamp(remaining, 0, m_core->limit);
}

void FakeGitHub::setRateLimitStatus(int httpStatus)
{
    m_rateLimitStatus = httpStatus;
}

int FakeGitHub::rateLimitRemaining() const
{
    return m_core->remaining;
}

void FakeGitHub::failNextRequests(int count, int httpStatus)
{
    m_failuresLeft = std::max(count, 0);
    m_failureStatus = httpStatus;
}

void FakeGitHub::failNextRequestsWithRateLimit(int count, int resetInSeconds)
{
    m_rateLimitFailuresLeft = std::max(count, 0);
    m_rateLimitResetInSeconds = resetInSeconds;
}

void FakeGitHub::failNextRequestsWithSecondaryLimit(int count, int retryAfterSeconds,
                                                    int httpStatus)
{
    m_secondaryFailuresLeft = std::max(count, 0);
    m_secondaryRetryAfter = retryAfterSeconds;
    m_secondaryStatus = httpStatus;
}

void FakeGitHub::setResponseDelay(int milliseconds)
{
    m_responseDelayMs = std::max(milliseconds, 0);
}

QList<FakeGitHub::RecordedRequest> FakeGitHub::requests() const
{
    return m_requests;
}

int FakeGitHub::requestCount(const QString &pathPrefix) const
{
    return int(std::count_if(m_requests.cbegin(), m_requests.cend(),
                             [&pathPrefix](const RecordedRequest &request) {
                                 return request.pathAndQuery.startsWith(pathPrefix);
                             }));
}

void FakeGitHub::clearRequests()
{
    m_requests.clear();
}

int FakeGitHub::graphqlRequestCount() const
{
    return m_graphqlRequestCount;
}

void FakeGitHub::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    RecordedRequest record;
    record.method = methodName(request.method());
    record.pathAndQuery = pathAndQuery(request.url());
    record.headers = request.headers();
    record.body = request.body();
    qCDebug(lcFakeGitHub) << record.method << record.pathAndQuery;
    m_requests.append(record);
    ++m_requestSequence;
    emit requestReceived();

    const bool graphql = request.method() == QHttpServerRequest::Method::Post
            && request.url().path(QUrl::FullyEncoded) == graphqlUrl().path(QUrl::FullyEncoded);
    const Resource resource = graphql ? Resource::GraphQL : Resource::Core;
    Quota &counter = quota(resource);
    counter.roll(QDateTime::currentSecsSinceEpoch());

    bool counts = true;
    Answer reply = answer(request, resource, &counts);
    if (reply.status == 401)
        counts = false;  // not charged to the account whose token was refused
    if (counts) {
        counter.remaining = std::max(0, counter.remaining - 1);
        if (graphql)
            ++m_graphqlRequestCount;
    }
    if (!hasHeader(reply, "x-ratelimit-limit"))
        addRateLimitHeaders(reply, resource);
    reply.addHeader("x-github-request-id",
                    "0000:" + QByteArray::number(m_requestSequence, 16).rightJustified(8, '0'));
    send(std::move(responder), reply);
}

FakeGitHub::Answer FakeGitHub::answer(const QHttpServerRequest &request, Resource resource,
                                      bool *counts)
{
    if (m_failuresLeft > 0 || m_rateLimitFailuresLeft > 0 || m_secondaryFailuresLeft > 0)
        return injectedFailure(request, resource, counts);

    // Credentials before anything else: a refused token gets 401 whatever it asked for.
    const bool graphql = resource == Resource::GraphQL;
    const QByteArray authorization = headerValue(request, "Authorization");
    if (!authorization.isEmpty() && !m_acceptedToken.isEmpty()
        && tokenOf(authorization) != m_acceptedToken) {
        return errorAnswer(401, u"Bad credentials"_s,
                           graphql ? graphqlDocumentation : notFoundDocumentation, resource);
    }

    if (graphql) {
        // GitHub's GraphQL API has no anonymous access.
        if (authorization.isEmpty()) {
            return errorAnswer(401, u"This endpoint requires you to be authenticated."_s,
                               graphqlAuthenticationDocumentation, resource);
        }
        return graphqlAnswer(request);
    }

    if (m_core->enforced && m_core->remaining <= 0) {
        *counts = false;
        return rateLimitExceeded(request, m_rateLimitStatus, m_core->reset);
    }

    QString path = request.url().path(QUrl::FullyEncoded);
    if (!m_apiPrefix.isEmpty()) {
        if (!path.startsWith(m_apiPrefix + u'/'))
            return errorAnswer(404, u"Not Found"_s, notFoundDocumentation);
        path = path.mid(m_apiPrefix.size());
    }

    Answer reply = restAnswer(request, path);
    // GitHub: "Making a conditional request does not count against your primary rate limit if
    // a 304 response is returned and the request was made while correctly authorized with an
    // Authorization header." An anonymous 304 counts.
    if (reply.status == 304 && !authorization.isEmpty())
        *counts = false;
    return reply;
}

FakeGitHub::Answer FakeGitHub::injectedFailure(const QHttpServerRequest &request,
                                               Resource resource, bool *counts)
{
    if (m_failuresLeft > 0) {
        --m_failuresLeft;
        if (m_failureStatus == 451)
            return jsonAnswer(451, blockedBody(), resource);
        return errorAnswer(m_failureStatus, reasonPhrase(m_failureStatus), notFoundDocumentation,
                           resource);
    }

    if (m_rateLimitFailuresLeft > 0) {
        --m_rateLimitFailuresLeft;
        *counts = false;
        Answer reply = rateLimitExceeded(
                request, m_rateLimitStatus,
                QDateTime::currentSecsSinceEpoch() + m_rateLimitResetInSeconds);
        if (resource == Resource::GraphQL) {
            for (auto &[name, value] : reply.headers) {
                if (name == "x-ratelimit-resource")
                    value = "graphql";
                else if (name == "x-ratelimit-limit" || name == "x-ratelimit-used")
                    value = QByteArray::number(m_graphql->limit);
            }
        }
        return reply;
    }

    // GitHub: "If you exceed a secondary rate limit, you will receive a 403 or 429 response
    // and an error message that indicates that you exceeded a secondary rate limit. If the
    // retry-after response header is present, you should not retry your request until after
    // that many seconds has elapsed."
    --m_secondaryFailuresLeft;
    Answer reply = errorAnswer(m_secondaryStatus,
                               u"You have exceeded a secondary rate limit. Please wait a few "
                               "minutes before you try again."_s,
                               secondaryRateLimitDocumentation, resource);
    if (m_secondaryRetryAfter >= 0)
        reply.addHeader("retry-after", QByteArray::number(m_secondaryRetryAfter));
    return reply;
}

FakeGitHub::Answer FakeGitHub::restAnswer(const QHttpServerRequest &request, const QString &path)
{
    const QStringList segments = path.split(u'/');  // segments[0] is "" before the first '/'
    const auto decoded = [&segments](qsizetype i) {
        return QUrl::fromPercentEncoding(segments.at(i).toUtf8());
    };
    const bool get = request.method() == QHttpServerRequest::Method::Get;
    const Answer notFound = errorAnswer(404, u"Not Found"_s, notFoundDocumentation);

    Repository *repository = nullptr;
    QStringList rest;
    if (segments.size() >= 4 && segments.at(1) == u"repos"_s) {
        const QString owner = decoded(2);
        const QString name = decoded(3);
        repository = repositoryByName(owner, name);
        rest = segments.mid(4);
        if (!repository) {
            for (const Rename &rename : std::as_const(m_renames)) {
                if (rename.owner.compare(owner, Qt::CaseInsensitive) == 0
                    && rename.name.compare(name, Qt::CaseInsensitive) == 0) {
                    const QString encodedRest = rest.isEmpty() ? QString()
                                                               : u'/' + rest.join(u'/');
                    return redirect(request, rename.id, encodedRest);
                }
            }
        }
    } else if (segments.size() >= 3 && segments.at(1) == u"repositories"_s) {
        repository = repositoryById(segments.at(2));
        rest = segments.mid(3);
    } else if (segments.size() == 3 && segments.at(1) == u"users"_s && get) {
        return user(request, decoded(2));
    }

    if (!repository || !get)
        return notFound;
    if (rest.isEmpty())
        return repositoryObject(request, *repository);
    if (rest == QStringList { u"issues"_s })
        return issues(request, *repository);
    if (rest == QStringList { u"contributors"_s })
        return contributors(request, *repository);
    return notFound;
}

FakeGitHub::Answer FakeGitHub::graphqlAnswer(const QHttpServerRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return errorAnswer(400, u"Problems parsing JSON"_s, graphqlDocumentation,
                           Resource::GraphQL);
    }

    const QJsonObject object = document.object();
    const QJsonValue query = object.value(u"query"_s);
    if (!query.isString()) {
        return jsonAnswer(200,
                          R"({"errors":[{"message":"A query attribute must be specified and )"
                          R"(must be a string."}]})",
                          Resource::GraphQL);
    }

    // Variables come as an object, or as a JSON text that holds one.
    QJsonObject variables;
    const QJsonValue given = object.value(u"variables"_s);
    if (given.isObject()) {
        variables = given.toObject();
    } else if (given.isString() && !given.toString().trimmed().isEmpty()) {
        const QJsonDocument inner = QJsonDocument::fromJson(given.toString().toUtf8());
        if (!inner.isObject()) {
            return jsonAnswer(200, R"({"errors":[{"message":"Variables are invalid JSON."}]})",
                              Resource::GraphQL);
        }
        variables = inner.object();
    } else if (!given.isNull() && !given.isUndefined() && !given.isString()) {
        return jsonAnswer(200, R"({"errors":[{"message":"Variables are invalid JSON."}]})",
                          Resource::GraphQL);
    }

    const GraphQLUserQuery parsed = GraphQLUserQuery::parse(query.toString(), variables);
    const auto resolve = [this](const QString &login) -> std::optional<GraphQLUserQuery::User> {
        const auto found = m_users.constFind(login.toLower());
        if (found == m_users.cend() || found->kind != UserKind::User
            || found->login.endsWith(u"[bot]"_s)) {
            return std::nullopt;
        }
        return GraphQLUserQuery::User { found->login, found->name };
    };
    return jsonAnswer(200, parsed.answer(resolve), Resource::GraphQL);
}

FakeGitHub::Answer FakeGitHub::issues(const QHttpServerRequest &request,
                                      const Repository &repository)
{
    if (repository.data.issuesDisabled)
        return errorAnswer(410, u"Issues are disabled for this repo"_s, issuesDocumentation);

    const QString state = QUrlQuery(request.url()).queryItemValue(u"state"_s);
    const QList<int> *indexes = &repository.open;
    if (state == u"closed"_s) {
        indexes = &repository.closed;
    } else if (state == u"all"_s) {
        indexes = &repository.all;
    } else if (!state.isEmpty() && state != u"open"_s) {
        return errorAnswer(422, u"Validation Failed"_s, issuesDocumentation);
    }

    return conditional(request,
                       listing(request, repository, u"issues"_s, *indexes, repository.issues),
                       repository.modified);
}

FakeGitHub::Answer FakeGitHub::contributors(const QHttpServerRequest &request,
                                            const Repository &repository)
{
    if (repository.data.contributorsTooLarge) {
        return errorAnswer(403,
                           u"The history or contributor list is too large to list contributors "
                           "for this repository via the API."_s,
                           contributorsDocumentation);
    }

    // GitHub answers an empty repository's contributors with 204 and no body.
    if (repository.allContributors.isEmpty())
        return jsonAnswer(204, {});

    // GitHub: "anon: Set to 1 or true to include anonymous contributors in results."
    const QString anon = QUrlQuery(request.url()).queryItemValue(u"anon"_s);
    const bool withAnonymous = anon == u"1"_s || anon.compare(u"true"_s, Qt::CaseInsensitive) == 0;
    const QList<int> &indexes = withAnonymous ? repository.allContributors
                                              : repository.namedContributors;
    return conditional(request,
                       listing(request, repository, u"contributors"_s, indexes,
                               repository.contributors),
                       repository.modified);
}

FakeGitHub::Answer FakeGitHub::repositoryObject(const QHttpServerRequest &request,
                                                const Repository &repository)
{
    const FakeRepository &data = repository.data;
    const QString api = repositoryApiUrl(data.owner, data.name);
    QJsonObject owner = simpleUser(data.owner).toObject();
    owner.insert(u"type"_s, u"Organization"_s);
    const QJsonObject object {
        { u"id"_s, data.id },
        { u"node_id"_s, nodeId("Repository"_L1, data.id) },
        { u"name"_s, data.name },
        { u"full_name"_s, u"%1/%2"_s.arg(data.owner, data.name) },
        { u"private"_s, false },
        { u"owner"_s, owner },
        { u"html_url"_s, repositoryWebUrl(data.owner, data.name) },
        { u"description"_s, QJsonValue::Null },
        { u"fork"_s, false },
        { u"url"_s, api },
        { u"issues_url"_s, api + u"/issues{/number}"_s },
        { u"contributors_url"_s, api + u"/contributors"_s },
        { u"has_issues"_s, !data.issuesDisabled },
        { u"open_issues_count"_s, repository.open.size() },
        { u"default_branch"_s, u"main"_s },
        { u"visibility"_s, u"public"_s },
    };
    const QByteArray body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return conditional(request, jsonAnswer(200, body), repository.modified);
}

FakeGitHub::Answer FakeGitHub::user(const QHttpServerRequest &request, const QString &login)
{
    const auto found = m_users.constFind(login.toLower());
    if (found == m_users.cend())
        return errorAnswer(404, u"Not Found"_s, notFoundDocumentation);

    QJsonObject object = makeUser(found->login, found->name);
    // makeUser() already says "Bot" for a login ending in "[bot]".
    if (found->kind == UserKind::Bot)
        object.insert(u"type"_s, u"Bot"_s);
    else if (found->kind == UserKind::Organization && !found->login.endsWith(u"[bot]"_s))
        object.insert(u"type"_s, u"Organization"_s);
    const QByteArray body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return conditional(request, jsonAnswer(200, body), found->modified);
}

FakeGitHub::Answer FakeGitHub::redirect(const QHttpServerRequest &request, int repositoryId,
                                        const QString &encodedRest)
{
    // GitHub: 301 for GET and HEAD, 307 for the other methods, which must be repeated as they
    // were; the body repeats the Location.
    QString location = apiUrl().toString() + u"/repositories/"_s
            + QString::number(repositoryId) + encodedRest;
    if (request.url().hasQuery())
        location += u'?' + request.url().query(QUrl::FullyEncoded);
    const bool safe = request.method() == QHttpServerRequest::Method::Get
            || request.method() == QHttpServerRequest::Method::Head;
    const QByteArray body = "{\"message\":\"Moved Permanently\",\"url\":" + quotedJson(location)
            + ",\"documentation_url\":" + quotedJson(redirectDocumentation) + '}';
    Answer reply = jsonAnswer(safe ? 301 : 307, body);
    reply.addHeader("location", location.toUtf8());
    return reply;
}

FakeGitHub::Answer FakeGitHub::listing(const QHttpServerRequest &request,
                                       const Repository &repository, const QString &collection,
                                       const QList<int> &indexes,
                                       const QList<QByteArray> &items) const
{
    const QUrlQuery query(request.url());
    const int perPage = std::min(positiveParameter(query, u"per_page"_s, defaultPerPage),
                                 maxPerPage);
    int page = positiveParameter(query, u"page"_s, 1);
    if (m_cursorPagination && query.hasQueryItem(u"after"_s)) {
        // The cursor is opaque to clients; here it hides the page number.
        const QByteArray decoded = QByteArray::fromBase64(
                query.queryItemValue(u"after"_s, QUrl::FullyDecoded).toLatin1());
        page = decoded.startsWith("cursor:v2:") ? decoded.mid(10).toInt() : 0;
        if (page < 1)
            return errorAnswer(422, u"Invalid cursor"_s, u"https://docs.github.com/rest"_s);
    }
    const qint64 total = indexes.size();
    const int lastPage = int(std::max<qint64>(1, (total + perPage - 1) / perPage));

    const qint64 first = qint64(page - 1) * perPage;
    const qint64 end = std::min(total, first + perPage);
    qsizetype size = 2;
    for (qint64 i = first; i < end; ++i)
        size += items.at(indexes.at(i)).size() + 1;
    QByteArray body;
    body.reserve(size);
    body += '[';
    for (qint64 i = first; i < end; ++i) {
        if (i > first)
            body += ',';
        body += items.at(indexes.at(i));
    }
    body += ']';
    Answer answer = jsonAnswer(200, body);

    // Like GitHub: the links point at /repositories/{id}/... under the API URL, keep the other
    // parameters in their order and encoding, and put page last; rel order prev, next, last,
    // first.
    QStringList kept;
    const QStringList parameters = request.url().query(QUrl::FullyEncoded).split(u'&');
    for (const QString &parameter : parameters) {
        if (!parameter.isEmpty() && parameter.section(u'=', 0, 0) != u"page"_s)
            kept.append(parameter);
    }
    const QString base = apiUrl().toString() + u"/repositories/"_s
            + QString::number(repository.data.id) + u'/' + collection + u'?';
    const auto link = [&](int target, const char *rel) {
        QStringList withPage = kept;
        withPage.append(u"page=%1"_s.arg(target));
        return u"<%1%2>; rel=\"%3\""_s.arg(base, withPage.join(u'&'), QLatin1StringView(rel));
    };
    QStringList links;
    if (m_cursorPagination) {
        // Cursor pagination, as GitHub uses for some listings: an opaque "after" cursor, no
        // page numbers, no "last" link, and the next link not first.
        QStringList withoutCursor;
        for (const QString &parameter : std::as_const(kept)) {
            const QString name = parameter.section(u'=', 0, 0);
            if (name != u"after"_s && name != u"before"_s)
                withoutCursor.append(parameter);
        }
        const auto cursorLink = [&](const char *key, int target, const char *rel) {
            const QString cursor = QString::fromLatin1(
                    QUrl::toPercentEncoding(QString::fromLatin1(
                            ("cursor:v2:" + QByteArray::number(target)).toBase64())));
            return u"<%1%2&%3=%4>; rel=\"%5\""_s.arg(base, withoutCursor.join(u'&'),
                                                     QLatin1StringView(key), cursor,
                                                     QLatin1StringView(rel));
        };
        if (page > 1)
            links.append(cursorLink("before", page - 1, "prev"));
        if (page < lastPage)
            links.append(cursorLink("after", page + 1, "next"));
        if (!links.isEmpty())
            answer.addHeader("link", links.join(u", "_s).toUtf8());
        return answer;
    }
    if (page > 1)
        links.append(link(page - 1, "prev"));
    if (page < lastPage) {
        links.append(link(page + 1, "next"));
        links.append(link(lastPage, "last"));
    }
    if (page > 1)
        links.append(link(1, "first"));
    if (!links.isEmpty())
        answer.addHeader("link", links.join(u", "_s).toUtf8());
    return answer;
}

FakeGitHub::Answer FakeGitHub::jsonAnswer(int status, const QByteArray &body,
                                          Resource resource) const
{
    Answer answer;
    answer.status = status;
    answer.body = body;

    if (status != 204 && status != 304)
        answer.addHeader("content-type", "application/json; charset=utf-8");
    if (status >= 200 && status < 300 && resource == Resource::Core)
        answer.addHeader("cache-control", "private, max-age=60, s-maxage=60");
    if (resource == Resource::Core) {
        answer.addHeader("x-github-media-type", "github.v3; format=json");
        answer.addHeader("x-github-api-version-selected", "2022-11-28");
    } else {
        answer.addHeader("x-github-media-type", "github.v4; format=json");
    }
    return answer;
}

FakeGitHub::Answer FakeGitHub::conditional(const QHttpServerRequest &request, Answer answer,
                                           const QDateTime &lastModified) const
{
    // A strong ETag from the content: any change to what is served changes it.
    const QByteArray etag = '"'
            + QCryptographicHash::hash(answer.body, QCryptographicHash::Md5).toHex() + '"';
    answer.addHeader("etag", etag);
    answer.addHeader("last-modified", httpDate(lastModified).toLatin1());

    // If-None-Match wins over If-Modified-Since (RFC 9110).
    bool notModified = false;
    const QByteArray ifNoneMatch = headerValue(request, "If-None-Match");
    if (!ifNoneMatch.isEmpty()) {
        notModified = etagMatches(ifNoneMatch, etag);
    } else {
        const QDateTime since = parseHttpDate(headerValue(request, "If-Modified-Since"));
        notModified = since.isValid() && lastModified <= since;
    }

    // 304 without a body; ETag, Last-Modified, Cache-Control and Link stay as on the 200.
    if (notModified) {
        answer.status = 304;
        answer.body.clear();
        answer.headers.removeIf([](const auto &header) {
            return header.first == "content-type";
        });
    }
    return answer;
}

FakeGitHub::Answer FakeGitHub::errorAnswer(int status, const QString &message,
                                           const QString &documentationUrl,
                                           Resource resource) const
{
    return jsonAnswer(status, errorBody(message, documentationUrl), resource);
}

FakeGitHub::Answer FakeGitHub::rateLimitExceeded(const QHttpServerRequest &request, int status,
                                                 qint64 reset) const
{
    // GitHub names the account for a token, the address for anonymous requests.
    const QString message = headerValue(request, "Authorization").isEmpty()
            ? u"API rate limit exceeded for 127.0.0.1. (But here's the good news: "
              "Authenticated requests get a higher rate limit. Check out the documentation "
              "for more details.)"_s
            : u"API rate limit exceeded for user ID 1."_s;
    Answer answer = errorAnswer(status, message, rateLimitDocumentation);
    answer.addHeader("x-ratelimit-limit", QByteArray::number(m_core->limit));
    answer.addHeader("x-ratelimit-remaining", "0");
    answer.addHeader("x-ratelimit-reset", QByteArray::number(reset));
    answer.addHeader("x-ratelimit-used", QByteArray::number(m_core->limit));
    answer.addHeader("x-ratelimit-resource", "core");
    return answer;
}

void FakeGitHub::addRateLimitHeaders(Answer &answer, Resource resource) const
{
    const Quota &counter = quota(resource);
    answer.addHeader("x-ratelimit-limit", QByteArray::number(counter.limit));
    answer.addHeader("x-ratelimit-remaining", QByteArray::number(counter.remaining));
    answer.addHeader("x-ratelimit-reset", QByteArray::number(counter.reset));
    answer.addHeader("x-ratelimit-used", QByteArray::number(counter.used()));
    answer.addHeader("x-ratelimit-resource",
                     resource == Resource::Core ? QByteArray("core") : QByteArray("graphql"));
}

FakeGitHub::Quota &FakeGitHub::quota(Resource resource) const
{
    return resource == Resource::Core ? *m_core : *m_graphql;
}

// Now, to the second, or one second after `previous`: every change gets a later
// Last-Modified, so that If-Modified-Since sees it even within one second.
QDateTime FakeGitHub::changeTime(const QDateTime &previous) const
{
    QDateTime now = QDateTime::currentDateTimeUtc();
    now.setTime(QTime(now.time().hour(), now.time().minute(), now.time().second()));
    if (previous.isValid() && now <= previous)
        return previous.addSecs(1);
    return now;
}

FakeGitHub::Repository *FakeGitHub::repositoryByName(const QString &owner, const QString &name)
{
    for (const auto &repository : m_repositories) {
        if (repository->data.owner.compare(owner, Qt::CaseInsensitive) == 0
            && repository->data.name.compare(name, Qt::CaseInsensitive) == 0) {
            return repository.get();
        }
    }
    return nullptr;
}

FakeGitHub::Repository *FakeGitHub::repositoryById(const QString &id)
{
    bool ok = false;
    const int number = id.toInt(&ok);
    for (const auto &repository : m_repositories) {
        if (ok && repository->data.id == number)
            return repository.get();
    }
    return nullptr;
}

void FakeGitHub::send(QHttpServerResponder &&responder, const Answer &answer)
{
    answer.send(std::move(responder), m_responseDelayMs, this);
}
