package feedback

import "embed"

// Schema migrations (see sqldb.DB.Migrate): this package's components are
// "feedback" (migrations/<dialect>/) and "alerts" (migrations/alerts/<dialect>/).

//go:embed migrations
var migrationFiles embed.FS

// migrationComponent names this package's rows in schema_migrations, which
// other packages share with their own component names.
const migrationComponent = "feedback"
