// Field names Meta's generated business SDK (facebook-nodejs-business-sdk, `static get Fields`)
// and Meta's Graph reference pages list for each node type. A listed field the sandbox does not
// model is accepted and left out of the answer, as Meta leaves out fields that have no value.

const words = (text: string) => text.trim().split(/\s+/);

const listed: Record<string, string[]> = {
  WhatsAppBusinessAccount: words(`
    account_review_status analytics auth_international_rate_eligibility business_verification_status country
    creation_time currency health_status id is_enabled_for_insights is_shared_with_partners linked_commerce_account
    marketing_messages_lite_api_status marketing_messages_onboarding_status message_template_namespace name
    on_behalf_of_business_info owner_business owner_business_info ownership_type primary_business_location
    primary_funding_id purchase_order_number status timezone_id whatsapp_business_manager_messaging_limit
    conversation_analytics pricing_analytics template_analytics template_group_analytics call_analytics`),
  WhatsAppBusinessPhoneNumber: words(`
    account_mode certificate code_verification_status conversational_automation display_phone_number
    eligibility_for_api_business_global_search health_status id is_official_business_account is_on_biz_app
    is_pin_enabled is_preverified_number last_onboarded_time messaging_limit_tier name_status new_certificate
    new_display_name new_name_status official_business_account platform_type quality_rating quality_score
    search_visibility status throughput verified_name webhook_configuration country_code country_dial_code`),
  Business: words(`
    block_offline_analytics collaborative_ads_managed_partner_business_info collaborative_ads_managed_partner_eligibility
    collaborative_ads_partner_premium_options created_by created_time extended_updated_time id is_hidden link
    marketing_messages_onboarding_status name payment_account_id primary_page profile_picture_uri timezone_id
    two_factor_type updated_by updated_time user_access_expire_time verification_status vertical vertical_id
    whatsapp_business_manager_messaging_limit`),
  ExtendedCredit: words(`
    allocated_amount balance credit_available credit_type id is_access_revoked is_automated_experience
    legal_entity_name liable_address liable_biz_name max_balance online_max_balance owner_business
    owner_business_name partition_from receiving_credit_allocation_config send_bill_to_address
    send_bill_to_biz_name sold_to_address`),
  ExtendedCreditAllocationConfig: words(`
    currency_amount id liability_type owning_business owning_credential partition_type receiving_business
    receiving_credential request_status send_bill_to`),
  Application: words(`
    aam_rules an_ad_space_limit an_platforms android_key_hash android_sdk_error_categories app_domains
    app_events_config app_events_feature_bitmask app_events_session_timeout app_install_tracked app_name
    app_signals_binding_ios app_type auth_dialog_data_help_url auth_dialog_headline
    auth_dialog_perms_explanation auth_referral_default_activity_privacy auth_referral_enabled
    auth_referral_extended_perms auth_referral_friend_perms auth_referral_response_type
    auth_referral_user_perms auto_event_mapping_android auto_event_mapping_ios auto_event_setup_enabled
    auto_log_app_events_default auto_log_app_events_enabled business canvas_fluid_height canvas_fluid_width
    canvas_url category client_config company configured_ios_sso contact_email created_time creator_uid
    daily_active_users daily_active_users_rank deauth_callback_url default_share_mode description
    enigma_config financial_id gdpv4_chrome_custom_tabs_enabled gdpv4_enabled gdpv4_nux_content
    gdpv4_nux_enabled has_messenger_product hosting_url icon_url id ios_bundle_id ios_sdk_dialog_flows
    ios_sdk_error_categories ios_sfvc_attr ios_supports_native_proxy_auth_flow ios_supports_system_auth
    ipad_app_store_id iphone_app_store_id latest_sdk_version link logging_token logo_url migrations
    mobile_profile_section_url mobile_web_url monthly_active_users monthly_active_users_rank name namespace
    object_store_urls owner_business page_tab_default_name page_tab_url photo_url privacy_policy_url
    profile_section_url property_id protected_mode_rules real_time_mode_devices restrictions
    restrictive_data_filter_params restrictive_data_filter_rules sdk_update_message seamless_login
    secure_canvas_url secure_page_tab_url server_ip_whitelist smart_login_bookmark_icon_url
    smart_login_menu_icon_url social_discovery subcategory suggested_events_setting supported_platforms
    supports_apprequests_fast_app_switch supports_attribution supports_implicit_sdk_logging
    suppress_native_ios_gdp terms_of_service_url url_scheme_suffix user_support_email user_support_url
    website_url weekly_active_users`),
  SystemUser: words('created_by created_time finance_permission id ip_permission name role'),
  AssignedUser: words('business id name user_type tasks'),
  User: words('first_name id last_name link locale middle_name name name_format short_name email'),
  WhatsAppBusinessSolution: words('id name owner_app owner_permissions partners status status_for_pending_request'),
  WhatsAppBusinessProfile: words(
    'id name_verification whatsapp_business_api_data about address description email messaging_product profile_picture_url vertical websites',
  ),
  MessageTemplate: words(`
    category components correct_category cta_url_link_tracking_opted_out id language library_template_name
    message_send_ttl_seconds name parameter_format previous_category quality_score rejected_reason status
    sub_category`),
  AppSubscription: words('object callback_url active fields'),
};

export function isSdkListedField(nodeType: string, field: string): boolean {
  return listed[nodeType]?.includes(field) ?? false;
}
