use clap::Parser;
use selfcare::config::{Cli, Command};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    selfcare::memory::tune_allocator();
    let mut cli = Cli::parse();
    cli.settings = cli.settings.with_data_dir();
    selfcare::telemetry::init(&cli.log, cli.log_format == "json");
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let public_url = cli.settings.public_url();
            let app = selfcare::startup::Application::build(cli.settings).await?;
            println!("Selfcare is running. Sign in at {public_url}/login");
            app.run_until_stopped().await?;
        }
        Command::CreateOperator { username, role } => {
            selfcare::cli::create_operator::run(&cli.settings, &username, &role)?
        }
        Command::Backup { to } => selfcare::cli::backup::backup(&cli.settings, &to)?,
        Command::Restore { from } => selfcare::cli::backup::restore(&cli.settings, &from)?,
        Command::DemoData {
            customers,
            subscribers,
            seed,
        } => selfcare::cli::demo_data::run(&cli.settings, customers, subscribers, seed)?,
    }
    Ok(())
}
