// @generated automatically by Diesel CLI.

diesel::table! {
    access_links (id) {
        id -> Int8,
        site_id -> Int8,
        name -> Text,
        description -> Text,
        link_type -> Text,
        bandwidth_down_kbps -> Int8,
        bandwidth_up_kbps -> Int8,
        ip_address -> Text,
        circuit_id -> Text,
        status -> Text,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    app_settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Int8,
        actor -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Int8,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    branding_profiles (id) {
        id -> Int8,
        name -> Text,
        primary_color -> Text,
        footer_text -> Text,
        created_at -> Int8,
        display_name -> Text,
        version -> Int4,
    }
}

diesel::table! {
    branding_logos (branding_id) {
        branding_id -> Int8,
        content_type -> Text,
        data -> Binary,
        updated_at -> Int8,
    }
}

diesel::table! {
    compliance_reviews (id) {
        id -> Int8,
        customer_id -> Int8,
        screened_name -> Text,
        matched_name -> Text,
        matched_country -> Text,
        opened_at -> Int8,
        due_at -> Int8,
        decided_at -> Nullable<Int8>,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    restricted_parties (id) {
        id -> Int8,
        name -> Text,
        country -> Text,
        name_key -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    packages (id) {
        id -> Int8,
        name -> Text,
        description -> Text,
        created_at -> Int8,
        kind -> Text,
    }
}

diesel::table! {
    customer_packages (customer_id, package_id) {
        customer_id -> Int8,
        package_id -> Int8,
        quantity -> Int8,
    }
}

diesel::table! {
    did_ranges (id) {
        id -> Int8,
        customer_id -> Int8,
        digits -> Int4,
        range_start -> Int8,
        range_end -> Int8,
        created_at -> Int8,
    }
}

diesel::table! {
    cpn_substitutions (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        number -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    emergency_locations (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        number -> Text,
        location -> Text,
        zone -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    charging_domains (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    closed_user_groups (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    exchange_rates (id) {
        id -> Int8,
        from_currency_id -> Int8,
        to_currency_id -> Int8,
        rate_mantissa -> Int8,
        rate_scale -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    currencies (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        decimals -> Int4,
        created_at -> Int8,
    }
}

diesel::table! {
    customers (id) {
        id -> Int8,
        service_provider_id -> Int8,
        account_code -> Text,
        customer_type -> Text,
        username -> Text,
        username_key -> Text,
        password_hash -> Text,
        tariff_id -> Int8,
        billing_type -> Text,
        payment_term_days -> Int4,
        credit_limit_cents -> Int8,
        billing_decimals -> Int4,
        tax_flag -> Text,
        max_call_sessions -> Int4,
        calls_per_second -> Int4,
        call_with_media -> Bool,
        codec_list -> Text,
        max_call_duration_secs -> Nullable<Int4>,
        name -> Text,
        company -> Text,
        description -> Text,
        email -> Text,
        address -> Text,
        phone -> Text,
        country -> Text,
        pin -> Text,
        webid -> Text,
        branding_id -> Int8,
        status -> Text,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    export_jobs (id) {
        id -> Int8,
        operator_id -> Int8,
        title -> Text,
        format -> Text,
        spec -> Text,
        status -> Text,
        rows_done -> Int8,
        rows_total -> Int8,
        file_name -> Text,
        file_path -> Nullable<Text>,
        size_bytes -> Nullable<Int8>,
        error -> Nullable<Text>,
        attempts -> Int4,
        claimed_by -> Nullable<Text>,
        heartbeat_at -> Nullable<Int8>,
        created_at -> Int8,
        finished_at -> Nullable<Int8>,
        expires_at -> Int8,
    }
}

diesel::table! {
    languages (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    operator_preferences (operator_id, pref_key) {
        operator_id -> Int8,
        pref_key -> Text,
        value -> Text,
    }
}

diesel::table! {
    operators (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        service_provider_id -> Nullable<Int8>,
        disabled -> Bool,
        created_at -> Int8,
        updated_at -> Int8,
        time_zone -> Nullable<Text>,
        edr_no_masking -> Bool,
    }
}

diesel::table! {
    product_types (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    service_providers (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    sites (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        description -> Text,
        address -> Text,
        country -> Text,
        time_zone -> Text,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    subscriber_comments (id) {
        id -> Int8,
        subscriber_id -> Int8,
        author_id -> Nullable<Int8>,
        author -> Text,
        body -> Text,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    subscriber_cugs (subscriber_id, cug_id) {
        subscriber_id -> Int8,
        cug_id -> Int8,
    }
}

diesel::table! {
    subscriber_numbers (id) {
        id -> Int8,
        subscriber_id -> Int8,
        list -> Text,
        number -> Text,
    }
}

diesel::table! {
    subscriber_short_codes (id) {
        id -> Int8,
        subscriber_id -> Int8,
        code -> Text,
        number -> Text,
    }
}

diesel::table! {
    subscriber_wallets (subscriber_id, wallet_type) {
        subscriber_id -> Int8,
        wallet_type -> Text,
        wallet_id -> Int8,
        created_at -> Int8,
    }
}

diesel::table! {
    subscriber_zones (id) {
        id -> Int8,
        subscriber_id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    subscribers (id) {
        id -> Int8,
        service_provider_id -> Int8,
        card_number -> Text,
        cli -> Text,
        description -> Text,
        pin_hash -> Nullable<Text>,
        language_id -> Int8,
        cli_restricted -> Bool,
        disable_incoming_roaming -> Bool,
        blacklisted -> Bool,
        disable_sms -> Bool,
        remote_access -> Bool,
        barring_list_type -> Text,
        barring_ignore -> Bool,
        ff_service -> Text,
        ff_discount_prefix -> Text,
        ff_change_count -> Int4,
        ff_changed_at -> Nullable<Int8>,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
        fd_change_count -> Int4,
        fd_changed_at -> Nullable<Int8>,
    }
}

diesel::table! {
    tariffs (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    voucher_recharge_attempts (id) {
        id -> Int8,
        subscriber_id -> Int8,
        at -> Int8,
        succeeded -> Bool,
        voucher -> Text,
    }
}

diesel::table! {
    wallet_product_swaps (id) {
        id -> Int8,
        wallet_id -> Int8,
        from_product_type_id -> Int8,
        to_product_type_id -> Int8,
        billed -> Bool,
        actor -> Text,
        at -> Int8,
    }
}

diesel::table! {
    wallets (id) {
        id -> Int8,
        service_provider_id -> Int8,
        wallet_ref -> Text,
        charging_domain_id -> Int8,
        product_type_id -> Int8,
        currency_id -> Int8,
        display_currency_id -> Int8,
        customer_id -> Nullable<Int8>,
        limit_type -> Text,
        min_credit_minor -> Nullable<Int8>,
        max_concurrent -> Int4,
        state -> Text,
        expires_at -> Nullable<Int8>,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> Integer,
        window_start -> Int8,
        locked_until -> Nullable<Int8>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Text,
        state -> Text,
        principal -> Nullable<Text>,
        expires_at -> Int8,
    }
}

diesel::table! {
    zone_shapes (id) {
        id -> Int8,
        zone_id -> Int8,
        kind -> Text,
        lon_e7 -> Int8,
        lat_e7 -> Int8,
        lon2_e7 -> Nullable<Int8>,
        lat2_e7 -> Nullable<Int8>,
        radius_e7_km -> Nullable<Int8>,
    }
}

diesel::table! {
    balance_types (id) {
        id -> Int8,
        service_provider_id -> Int8,
        code -> Text,
        name -> Text,
        unit -> Text,
        category -> Text,
        max_value -> Nullable<Int8>,
        max_policy -> Text,
        allow_credit -> Bool,
        is_default -> Bool,
        created_at -> Int8,
    }
}

diesel::table! {
    wallet_balances (id) {
        id -> Int8,
        wallet_id -> Int8,
        balance_type_id -> Int8,
        created_at -> Int8,
    }
}

diesel::table! {
    balance_buckets (id) {
        id -> Int8,
        balance_id -> Int8,
        value -> Int8,
        expires_at -> Nullable<Int8>,
        starts_at -> Nullable<Int8>,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    edrs (id) {
        id -> Int8,
        edr_type -> Text,
        service_provider_id -> Int8,
        wallet_id -> Int8,
        subscriber_id -> Nullable<Int8>,
        operator_name -> Nullable<Text>,
        change_reason -> Nullable<Text>,
        called_number -> Nullable<Text>,
        duration_s -> Nullable<Int8>,
        created_at -> Int8,
        reverses_edr_id -> Nullable<Int8>,
        partial -> Bool,
    }
}

diesel::table! {
    voucher_batches (id) {
        id -> Int8,
        service_provider_id -> Int8,
        balance_type_id -> Int8,
        value -> Int8,
        expires_at -> Int8,
        count -> Int4,
        created_by -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    vouchers (id) {
        id -> Int8,
        batch_id -> Int8,
        number_hash -> Text,
        serial_number -> Text,
        used_at -> Nullable<Int8>,
        used_wallet_id -> Nullable<Int8>,
        used_edr_id -> Nullable<Int8>,
    }
}

diesel::table! {
    edr_balances (edr_id, balance_type_id) {
        edr_id -> Int8,
        balance_type_id -> Int8,
        before_total -> Int8,
        after_total -> Int8,
        cost -> Int8,
    }
}

diesel::table! {
    activation_bonuses (product_type_id, balance_type_id) {
        product_type_id -> Int8,
        balance_type_id -> Int8,
        amount -> Int8,
    }
}

diesel::table! {
    product_type_limits (product_type_id, balance_type_id) {
        product_type_id -> Int8,
        balance_type_id -> Int8,
        min_value -> Int8,
        max_value -> Int8,
    }
}

diesel::table! {
    operator_limits (operator_id, balance_type_id) {
        operator_id -> Int8,
        balance_type_id -> Int8,
        min_value -> Int8,
        max_value -> Int8,
    }
}

diesel::table! {
    payments (id) {
        id -> Int8,
        customer_id -> Int8,
        kind -> Text,
        amount_minor -> Int8,
        paid_at -> Int8,
        reference -> Text,
        note -> Text,
        reverses_id -> Nullable<Int8>,
        actor -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        service_provider_id -> Int8,
        name -> Text,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Int8,
        last_used_at -> Nullable<Int8>,
        revoked_at -> Nullable<Int8>,
    }
}

diesel::table! {
    cdr_imports (id) {
        id -> Int8,
        service_provider_id -> Nullable<Int8>,
        actor -> Text,
        new_rows -> Int8,
        duplicate_rows -> Int8,
        bad_rows -> Int8,
        created_at -> Int8,
    }
}

diesel::table! {
    cdrs (id) {
        id -> Int8,
        customer_id -> Int8,
        account_code -> Text,
        started_at -> Int8,
        duration_s -> Int8,
        calling -> Text,
        called -> Text,
        dest_prefix -> Text,
        cost_minor -> Int8,
        import_id -> Nullable<Int8>,
    }
}

diesel::table! {
    reservations (id) {
        id -> Int8,
        service_provider_id -> Int8,
        wallet_id -> Int8,
        balance_type_id -> Int8,
        amount -> Int8,
        used -> Nullable<Int8>,
        state -> Text,
        charge_on_delete -> Bool,
        called_number -> Nullable<Text>,
        expires_at -> Int8,
        created_at -> Int8,
        ended_at -> Nullable<Int8>,
        how_ended -> Nullable<Text>,
        edr_id -> Nullable<Int8>,
    }
}

diesel::joinable!(access_links -> sites (site_id));
diesel::joinable!(branding_logos -> branding_profiles (branding_id));
diesel::joinable!(compliance_reviews -> customers (customer_id));
diesel::joinable!(customer_packages -> customers (customer_id));
diesel::joinable!(customer_packages -> packages (package_id));
diesel::joinable!(did_ranges -> customers (customer_id));
diesel::joinable!(cpn_substitutions -> customers (customer_id));
diesel::joinable!(emergency_locations -> customers (customer_id));
diesel::joinable!(customers -> branding_profiles (branding_id));
diesel::joinable!(customers -> service_providers (service_provider_id));
diesel::joinable!(customers -> tariffs (tariff_id));
diesel::joinable!(export_jobs -> operators (operator_id));
diesel::joinable!(operator_preferences -> operators (operator_id));
diesel::joinable!(operators -> service_providers (service_provider_id));
diesel::joinable!(sites -> customers (customer_id));
diesel::joinable!(subscriber_comments -> subscribers (subscriber_id));
diesel::joinable!(subscriber_cugs -> closed_user_groups (cug_id));
diesel::joinable!(subscriber_cugs -> subscribers (subscriber_id));
diesel::joinable!(subscriber_numbers -> subscribers (subscriber_id));
diesel::joinable!(subscriber_short_codes -> subscribers (subscriber_id));
diesel::joinable!(subscriber_wallets -> subscribers (subscriber_id));
diesel::joinable!(subscriber_wallets -> wallets (wallet_id));
diesel::joinable!(subscriber_zones -> subscribers (subscriber_id));
diesel::joinable!(subscribers -> languages (language_id));
diesel::joinable!(subscribers -> service_providers (service_provider_id));
diesel::joinable!(voucher_recharge_attempts -> subscribers (subscriber_id));
diesel::joinable!(wallet_product_swaps -> wallets (wallet_id));
diesel::joinable!(wallets -> charging_domains (charging_domain_id));
diesel::joinable!(wallets -> customers (customer_id));
diesel::joinable!(wallets -> product_types (product_type_id));
diesel::joinable!(wallets -> service_providers (service_provider_id));
diesel::table! {
    dialing_route_list (id) {
        id -> Int8,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    ip_devices (id) {
        id -> Int8,
        customer_id -> Int8,
        ip_address -> Text,
        description -> Text,
        dial_prefix -> Text,
        max_call_sessions -> Int8,
        calls_per_second -> Int8,
        active -> Bool,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    sip_devices (id) {
        id -> Int8,
        customer_id -> Int8,
        login -> Text,
        login_key -> Text,
        secret_sealed -> Text,
        extension -> Text,
        voicemail -> Bool,
        voicemail_email -> Text,
        ip_address -> Text,
        max_call_sessions -> Int8,
        calls_per_second -> Int8,
        active -> Bool,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    dialing_routes (id) {
        id -> Int8,
        customer_id -> Int8,
        route_id -> Int8,
        pattern -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    translation_rules (id) {
        id -> Int8,
        customer_id -> Int8,
        list -> Text,
        position -> Int8,
        match_prefix -> Text,
        strip -> Int4,
        prepend -> Text,
        created_at -> Int8,
    }
}

diesel::joinable!(zone_shapes -> subscriber_zones (zone_id));

diesel::joinable!(ip_devices -> customers (customer_id));
diesel::joinable!(sip_devices -> customers (customer_id));
diesel::joinable!(dialing_routes -> customers (customer_id));
diesel::joinable!(dialing_routes -> dialing_route_list (route_id));
diesel::joinable!(translation_rules -> customers (customer_id));
diesel::joinable!(balance_types -> service_providers (service_provider_id));
diesel::joinable!(wallet_balances -> wallets (wallet_id));
diesel::joinable!(wallet_balances -> balance_types (balance_type_id));
diesel::joinable!(balance_buckets -> wallet_balances (balance_id));
diesel::joinable!(edr_balances -> edrs (edr_id));
diesel::joinable!(product_type_limits -> balance_types (balance_type_id));
diesel::joinable!(activation_bonuses -> balance_types (balance_type_id));
diesel::joinable!(operator_limits -> balance_types (balance_type_id));
diesel::joinable!(vouchers -> voucher_batches (batch_id));
diesel::joinable!(voucher_batches -> balance_types (balance_type_id));

diesel::joinable!(payments -> customers (customer_id));
diesel::joinable!(cdrs -> customers (customer_id));
diesel::joinable!(api_tokens -> service_providers (service_provider_id));
diesel::joinable!(reservations -> wallets (wallet_id));
diesel::joinable!(reservations -> balance_types (balance_type_id));

diesel::allow_tables_to_appear_in_same_query!(
    payments,
    cdr_imports,
    cdrs,
    access_links,
    activation_bonuses,
    api_tokens,
    app_settings,
    audit_log,
    balance_buckets,
    balance_types,
    branding_logos,
    branding_profiles,
    charging_domains,
    closed_user_groups,
    compliance_reviews,
    cpn_substitutions,
    currencies,
    customer_packages,
    customers,
    did_ranges,
    dialing_route_list,
    dialing_routes,
    edr_balances,
    edrs,
    emergency_locations,
    exchange_rates,
    export_jobs,
    ip_devices,
    languages,
    login_failures,
    operator_limits,
    operator_preferences,
    operators,
    packages,
    product_type_limits,
    product_types,
    reservations,
    restricted_parties,
    service_providers,
    sip_devices,
    sites,
    subscriber_comments,
    subscriber_cugs,
    subscriber_numbers,
    subscriber_short_codes,
    subscriber_wallets,
    subscriber_zones,
    subscribers,
    tariffs,
    translation_rules,
    voucher_batches,
    voucher_recharge_attempts,
    vouchers,
    wallet_balances,
    wallet_product_swaps,
    wallets,
    web_sessions,
    zone_shapes,
);

// Customer administrators (issue 14): kept apart so that parallel branches merge cleanly.
diesel::table! {
    customer_admins (id) {
        id -> Int8,
        customer_id -> Int8,
        username -> Text,
        username_key -> Text,
        password_hash -> Text,
        role -> Text,
        is_primary -> Bool,
        disabled -> Bool,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::joinable!(customer_admins -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(customer_admins, customers);

// A customer's users, PBX settings, pending billing changes, the mail outbox (issue 14).
diesel::table! {
    customer_users (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        email -> Text,
        extension -> Text,
        sip_username -> Text,
        sip_key -> Text,
        package_id -> Int8,
        password_hash -> Nullable<Text>,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    customer_user_addons (user_id, package_id) {
        user_id -> Int8,
        package_id -> Int8,
        customer_id -> Int8,
    }
}

diesel::table! {
    pbx_options (id) {
        id -> Int8,
        kind -> Text,
        name -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    customer_pbx_settings (customer_id) {
        customer_id -> Int8,
        platform_id -> Nullable<Int8>,
        extension_length -> Int4,
        dial_internal -> Bool,
        dial_local -> Bool,
        dial_national -> Bool,
        dial_international -> Bool,
        welcome_mail -> Bool,
        confirm_billing -> Bool,
        time_zone -> Text,
        managed_by -> Text,
        version -> Int4,
        updated_at -> Int8,
    }
}

diesel::table! {
    customer_pbx_options (customer_id, option_id) {
        customer_id -> Int8,
        option_id -> Int8,
    }
}

diesel::table! {
    billing_changes (id) {
        id -> Int8,
        customer_id -> Int8,
        quantities -> Text,
        status -> Text,
        requested_by -> Text,
        decided_by -> Nullable<Text>,
        created_at -> Int8,
        decided_at -> Nullable<Int8>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Int8,
        customer_id -> Int8,
        user_id -> Nullable<Int8>,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        created_at -> Int8,
        sent_at -> Nullable<Int8>,
    }
}

diesel::table! {
    user_password_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Int8,
        expires_at -> Int8,
        used_at -> Nullable<Int8>,
    }
}

diesel::joinable!(customer_users -> customers (customer_id));
diesel::joinable!(customer_users -> packages (package_id));
diesel::joinable!(customer_user_addons -> customer_users (user_id));
diesel::joinable!(customer_user_addons -> packages (package_id));
diesel::joinable!(customer_pbx_settings -> customers (customer_id));
diesel::joinable!(customer_pbx_options -> pbx_options (option_id));
diesel::joinable!(billing_changes -> customers (customer_id));
diesel::joinable!(mail_outbox -> customers (customer_id));
diesel::joinable!(user_password_tokens -> customer_users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    customer_admins,
    customer_users,
    customer_user_addons,
    customer_pbx_settings,
    customer_pbx_options,
    pbx_options,
    billing_changes,
    mail_outbox,
    user_password_tokens,
);
diesel::allow_tables_to_appear_in_same_query!(customer_users, packages);
diesel::allow_tables_to_appear_in_same_query!(customer_user_addons, packages);
diesel::allow_tables_to_appear_in_same_query!(customer_users, customers);
diesel::allow_tables_to_appear_in_same_query!(customer_user_addons, customers);
diesel::allow_tables_to_appear_in_same_query!(mail_outbox, customers);

// Credit transfers and BPL tasks (2026-11-27-120000_transfers_bpl).

diesel::table! {
    transfer_definitions (id) {
        id -> Int8,
        service_provider_id -> Int8,
        name -> Text,
        kind -> Text,
        cost_balance_type_id -> Int8,
        cost -> Int8,
        wallet_expiry_extension_days -> Int4,
        swap_product_type_id -> Nullable<Int8>,
        pin_required -> Bool,
        version -> Int4,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    transfer_definition_values (id) {
        id -> Int8,
        definition_id -> Int8,
        balance_type_id -> Int8,
        value -> Int8,
        bucket_expiry_extension_days -> Int4,
    }
}

diesel::table! {
    transfer_definition_product_types (definition_id, product_type_id) {
        definition_id -> Int8,
        product_type_id -> Int8,
    }
}

diesel::table! {
    bpl_tasks (id) {
        id -> Int8,
        service_provider_id -> Int8,
        name -> Text,
        action -> Text,
        balance_type_id -> Nullable<Int8>,
        amount -> Int8,
        product_type_id -> Nullable<Int8>,
        wallet_state -> Nullable<Text>,
        extension_days -> Int4,
        charge_balance_type_id -> Nullable<Int8>,
        charge -> Int8,
        created_at -> Int8,
    }
}

diesel::table! {
    bpl_task_parameters (id) {
        id -> Int8,
        task_id -> Int8,
        position -> Int4,
        name -> Text,
        kind -> Text,
        mandatory -> Bool,
        choices -> Text,
        supplies -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    transfer_definitions,
    transfer_definition_values,
    transfer_definition_product_types,
    bpl_tasks,
    bpl_task_parameters,
);

// Issue 12 part B: tracker promotions and their awards, credit cards, top-up rules and runs.

diesel::table! {
    promotions (id) {
        id -> Int8,
        service_provider_id -> Int8,
        name -> Text,
        tracker_balance_type_id -> Int8,
        threshold -> Int8,
        reward_balance_type_id -> Int8,
        reward -> Int8,
        validity_days -> Nullable<Int4>,
        ends_at -> Nullable<Int8>,
        created_by -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    promotion_awards (id) {
        id -> Int8,
        promotion_id -> Int8,
        wallet_id -> Int8,
        credited -> Int8,
        edr_id -> Nullable<Int8>,
        awarded_at -> Int8,
    }
}

diesel::table! {
    credit_cards (id) {
        id -> Int8,
        subscriber_id -> Int8,
        token -> Text,
        last_four -> Text,
        expiry_month -> Int4,
        expiry_year -> Int4,
        holder -> Text,
        state -> Text,
        created_at -> Int8,
        updated_at -> Int8,
    }
}

diesel::table! {
    topup_rules (id) {
        id -> Int8,
        service_provider_id -> Int8,
        name -> Text,
        balance_type_id -> Int8,
        amount -> Int8,
        period -> Text,
        product_type_id -> Nullable<Int8>,
        subscriber_id -> Nullable<Int8>,
        active -> Bool,
        created_by -> Text,
        created_at -> Int8,
    }
}

diesel::table! {
    topup_runs (id) {
        id -> Int8,
        rule_id -> Int8,
        wallet_id -> Int8,
        period_start -> Int8,
        credited -> Int8,
        edr_id -> Nullable<Int8>,
        ran_at -> Int8,
    }
}

// The audit log names these by id (its provider scope looks them up).
diesel::allow_tables_to_appear_in_same_query!(audit_log, transfer_definitions);
diesel::allow_tables_to_appear_in_same_query!(audit_log, bpl_tasks);
diesel::allow_tables_to_appear_in_same_query!(audit_log, promotions);
diesel::allow_tables_to_appear_in_same_query!(audit_log, topup_rules);
