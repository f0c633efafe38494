"""The PSER portal: the application factory."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import babel, compress, csrf, db, htmx, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(settings.INSTANCE),
        template_folder=str(settings.ROOT / "templates"),
        static_folder=None,  # WhiteNoise serves static/ (see app.assets)
    )
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    settings.check_production_settings(app.config)
    from .database import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    settings.INSTANCE.mkdir(parents=True, exist_ok=True)
    from .ops.request_log import configure_logging

    configure_logging(app.config["LOG_FORMAT"])  # JSON lines or text, each line with its request id
    from .log_privacy import install as mask_personal_data_in_logs

    mask_personal_data_in_logs()

    from .input_guard import init_input_guard

    init_input_guard(app)  # first: its before_request refuses unreadable input, its converter bounds <int:…>
    db.init_app(app)
    from .models.base import render_migration_item

    migrate.init_app(
        app, db, directory=str(settings.ROOT / "migrations"), render_as_batch=True, render_item=render_migration_item
    )
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from .database import init_database

    init_database(app)
    from .unit_of_work import init_unit_of_work

    init_unit_of_work(app)

    from .services.summaries import listen as keep_summaries

    keep_summaries()

    from .i18n import current_language, left_to_right, select_locale, text_direction, when

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(when=when, ltr=left_to_right)
    app.jinja_env.globals.update(current_language=current_language, text_direction=text_direction)
    app.jinja_env.add_extension("jinja2.ext.do")
    from .stage_texts import init_stage_texts

    init_stage_texts(app)
    from .complaint_texts import init_complaint_texts

    init_complaint_texts(app)
    from .score_texts import init_score_texts

    init_score_texts(app)
    from .idempotency import new_key

    app.jinja_env.globals["new_idempotency_key"] = new_key
    from .helpline import init_helpline

    init_helpline(app)

    from .public.schedule_display import init_schedule_display

    init_schedule_display(app)
    from .auth.sessions import init_login

    init_login(app)

    from .assets import init_assets
    from .security import init_security_headers

    from .safe_redirect import init_redirect_guard

    init_assets(app)
    init_security_headers(app)
    init_redirect_guard(app)
    from .findability import init_findability

    init_findability(app)

    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .enumerator import bp as enumerator_bp
    from .errors import init_errors
    from .helpdesk import bp as helpdesk_bp
    from .public import bp as public_bp
    from .supervisor import bp as supervisor_bp

    for blueprint in (public_bp, auth_bp, enumerator_bp, supervisor_bp, helpdesk_bp, admin_bp):
        app.register_blueprint(blueprint)
    from .sms import bp as sms_bp

    app.register_blueprint(sms_bp)  # POST /sms/inbound, for the SMS gateway
    from .survey import bp as survey_bp

    # One questionnaire, two doors: the enumerator's for their area, the citizen's for their own household.
    app.register_blueprint(survey_bp, url_prefix="/enumerator/households", name="enumerator_survey")
    app.register_blueprint(survey_bp, url_prefix="/me/household", name="citizen_survey")
    init_errors(app)

    from .cli import init_cli
    from .jobs import init_jobs

    init_cli(app)
    init_jobs(app)
    from .ops import init_ops

    init_ops(app)  # request ids, JSON logs, /metrics, /readyz, `flask backup`

    x_for, x_proto, x_host = (app.config[f"PROXY_FIX_X_{name}"] for name in ("FOR", "PROTO", "HOST"))
    if x_for:
        # Behind a load balancer, the client address (for rate limits) is in X-Forwarded-For; only the
        # proxy may set it, so the server must not be reachable directly (README, Deployment).
        from .deployment import warn_if_proxy_trusted_publicly

        warn_if_proxy_trusted_publicly(x_for)
    if x_for or x_proto or x_host:
        # Each header is trusted on its own setting: X-Forwarded-Proto (so request.is_secure, HSTS) does not
        # wait for X-Forwarded-For to be trusted.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=x_host)
    return app
